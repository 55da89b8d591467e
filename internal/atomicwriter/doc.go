// Package atomicwriter reproduces, for tests, how the kubelet writes a
// ConfigMap or Secret volume (k8s.io/kubernetes/pkg/volume/util's
// AtomicWriter), step for step, so that watchers meet the same file-system
// events as in a pod:
//
//  1. write every key into a new directory ..<timestamp> (os.MkdirTemp with
//     the pattern "..2006_01_02_15_04_05.", mode 0755; files 0644);
//  2. make a symlink ..data_tmp -> ..<timestamp>;
//  3. rename ..data_tmp over ..data, the one atomic step;
//  4. add a symlink <key> -> ..data/<key> for each key that has none;
//  5. remove the symlinks of the keys gone since the last write;
//  6. remove the previous ..<timestamp> directory.
//
// A write whose payload equals the current content does nothing, as in the
// kubelet.
//
// Variants seen in the field: NewSymlinked makes the volume directory itself
// a symlink to where the writer works (subPath-like mounts, projected
// volumes), and Writer.ReplaceDir swaps the whole directory by retargeting
// that symlink. The kernel always reports the rename of step 3 as a move
// (fsnotify Create on ..data, Rename on ..data_tmp); platforms that report
// it as Write or Rename only are reproduced by the watcher's own tests,
// which rewrite the operation of the real events.
package atomicwriter

package configmap

import (
	"maps"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/flagz-go/flagz/source/sourcetest"
)

func TestConformanceDir(t *testing.T) {
	sourcetest.Run(t, func(t *testing.T) sourcetest.Harness { return newDirHarness(t) })
}

// The watcher's lifecycle is its runtime's: each method only calls it.
func TestLifecycleIsTheRuntimes(t *testing.T) {
	sourcetest.CheckDelegation(t, ".", "Watcher")
}

func TestConformanceFile(t *testing.T) {
	sourcetest.Run(t, func(t *testing.T) sourcetest.Harness { return newFileHarness(t) })
}

func TestFileSystemDir(t *testing.T) {
	sourcetest.TestFileSystem(t, func(t *testing.T) sourcetest.FileHarness { return newDirHarness(t) })
}

func TestFileSystemFile(t *testing.T) {
	sourcetest.TestFileSystem(t, func(t *testing.T) sourcetest.FileHarness { return newFileHarness(t) })
}

// newDirHarness is a ConfigMap volume the kubelet's atomic writer fills.
func newDirHarness(t *testing.T) *harness {
	return newHarness(t, "config", true, writeVolume, New[*pflag.FlagSet])
}

// newFileHarness is a YAML file saved by renaming.
func newFileHarness(t *testing.T) *harness {
	return newHarness(t, "flags.yaml", false, writeYAMLFile, NewFile[*pflag.FlagSet])
}

// harness is an origin on the local file system: a directory the kubelet's
// atomic writer fills, or a YAML file saved by renaming. Cutting it off
// moves it aside; writes meanwhile go where it was moved. It can put an
// entry that is not a regular file in place of a key or of the origin
// (sourcetest.FileHarness).
type harness struct {
	path    string // where the sources look
	aside   string // where it is while cut off
	perName bool   // a directory of one file per key
	write   writeFunc
	newSrc  func(fs *pflag.FlagSet, path string, opts ...Option) (*Watcher, error)

	mu      sync.Mutex
	values  map[string]string
	hostile map[string]sourcetest.Entry // by key, "" for the origin itself
	cut     bool
}

func newHarness(t *testing.T, base string, perName bool, write writeFunc,
	newSrc func(*pflag.FlagSet, string, ...Option) (*Watcher, error)) *harness {
	dir := t.TempDir()
	h := &harness{path: filepath.Join(dir, base), aside: filepath.Join(dir, "aside-"+base), perName: perName,
		write: write, newSrc: newSrc, values: map[string]string{}, hostile: map[string]sourcetest.Entry{}}
	h.publish(t) // an empty origin, as an empty ConfigMap is
	return h
}

func (h *harness) NewSource(t *testing.T, fs *pflag.FlagSet, name string) sourcetest.Source {
	w := must(t)(h.newSrc(fs, h.path, WithSourceName(name), WithLogger(testLogger(t)),
		WithBackoff(5*time.Millisecond, 50*time.Millisecond), WithResyncPeriod(0)))
	t.Cleanup(w.Stop)
	return w
}

func (h *harness) publish(t *testing.T) {
	t.Helper()
	where := h.path
	if h.cut {
		where = h.aside
	}
	if err := h.write(where, maps.Clone(h.values), maps.Clone(h.hostile)); err != nil {
		t.Fatal(err)
	}
}

func (h *harness) Set(t *testing.T, values map[string]string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	maps.Copy(h.values, values)
	delete(h.hostile, "")
	for n := range values {
		delete(h.hostile, n)
	}
	h.publish(t)
}

func (h *harness) Delete(t *testing.T, names ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.hostile, "")
	for _, n := range names {
		delete(h.values, n)
		delete(h.hostile, n)
	}
	h.publish(t)
}

func (h *harness) Cut(t *testing.T) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := os.Rename(h.path, h.aside); err != nil {
		t.Fatal(err)
	}
	h.cut = true
}

func (h *harness) Restore(t *testing.T) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := os.Rename(h.aside, h.path); err != nil {
		t.Fatal(err)
	}
	h.cut = false
}

func (h *harness) PerName() bool { return h.perName }

func (h *harness) Path() string { return h.path }

func (h *harness) Make(t *testing.T, name string, entry sourcetest.Entry) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.hostile[name] = entry
	h.publish(t)
}

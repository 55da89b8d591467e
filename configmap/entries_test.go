package configmap

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/flagz-go/flagz/internal/atomicwriter"
	"github.com/flagz-go/flagz/source/sourcetest"
)

// writeFunc publishes values at path, with hostile entries in place of the
// keys they name, or of the origin itself (key "").
type writeFunc func(path string, values map[string]string, hostile map[string]sourcetest.Entry) error

// makeEntry makes entry at path.
func makeEntry(path string, entry sourcetest.Entry) error {
	switch entry {
	case sourcetest.NamedPipe:
		return mkfifo(path)
	case sourcetest.DanglingSymlink:
		return os.Symlink("user@host.4242:1700000000", path) // what Emacs's lock files point to
	case sourcetest.Directory:
		return os.Mkdir(path, 0o755)
	}
	return fmt.Errorf("no such entry: %q", entry)
}

// replaceOrigin puts entry at path, removing whatever is there.
func replaceOrigin(path string, entry sourcetest.Entry) error {
	if err := os.RemoveAll(path); err != nil {
		return err
	}
	return makeEntry(path, entry)
}

// removeIfNot removes what is at path unless it is what keep accepts (an
// entry left by replaceOrigin).
func removeIfNot(path string, keep func(os.FileInfo) bool) error {
	if info, err := os.Lstat(path); err == nil && !keep(info) {
		return os.RemoveAll(path)
	}
	return nil
}

// writeVolume publishes a version of a ConfigMap volume as the kubelet does
// (values with the trailing newline kubectl leaves), each hostile key made
// inside the version before the ..data swap.
func writeVolume(path string, values map[string]string, hostile map[string]sourcetest.Entry) error {
	if entry, ok := hostile[""]; ok {
		return replaceOrigin(path, entry)
	}
	if err := removeIfNot(path, os.FileInfo.IsDir); err != nil {
		return err
	}
	w, err := atomicwriter.New(path)
	if err != nil {
		return err
	}
	payload := map[string][]byte{}
	for k, v := range values {
		if _, bad := hostile[k]; !bad {
			payload[k] = []byte(v + "\n") // as kubectl leaves values from files
		}
	}
	if len(hostile) == 0 {
		return w.Write(payload)
	}
	return w.WriteWith(payload, func(version string) error {
		for key, entry := range hostile {
			if err := makeEntry(filepath.Join(version, key), entry); err != nil {
				return err
			}
		}
		return nil
	})
}

// writeYAMLFile saves values as a YAML file renamed over path, or puts the
// hostile entry of key "" there.
func writeYAMLFile(path string, values map[string]string, hostile map[string]sourcetest.Entry) error {
	if entry, ok := hostile[""]; ok {
		return replaceOrigin(path, entry)
	}
	if len(hostile) != 0 {
		return fmt.Errorf("a YAML file has no file per key: %v", hostile)
	}
	if err := removeIfNot(path, func(info os.FileInfo) bool { return info.Mode().IsRegular() }); err != nil {
		return err
	}
	tmp := path + ".swp"
	if err := os.WriteFile(tmp, []byte(yamlDoc(values)), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

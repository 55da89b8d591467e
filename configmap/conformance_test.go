package configmap

import (
	"maps"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/flagz-go/flagz/internal/atomicwriter"
	"github.com/flagz-go/flagz/source/sourcetest"
)

func TestConformanceDir(t *testing.T) {
	sourcetest.Run(t, func(t *testing.T) sourcetest.Harness {
		return newHarness(t, "config", func(path string, values map[string]string) error {
			w, err := atomicwriter.New(path)
			if err != nil {
				return err
			}
			payload := map[string]string{}
			for k, v := range values {
				payload[k] = v + "\n" // as kubectl leaves values from files
			}
			return w.WriteStrings(payload)
		}, New[*pflag.FlagSet])
	})
}

// The watcher's lifecycle is its runtime's: each method only calls it.
func TestLifecycleIsTheRuntimes(t *testing.T) {
	sourcetest.CheckDelegation(t, ".", "Watcher")
}

func TestConformanceFile(t *testing.T) {
	sourcetest.Run(t, func(t *testing.T) sourcetest.Harness {
		return newHarness(t, "flags.yaml", func(path string, values map[string]string) error {
			tmp := path + ".swp"
			if err := os.WriteFile(tmp, []byte(yamlDoc(values)), 0o644); err != nil {
				return err
			}
			return os.Rename(tmp, path)
		}, NewFile[*pflag.FlagSet])
	})
}

// harness is an origin on the local file system: a directory the kubelet's
// atomic writer fills, or a YAML file saved by renaming. Cutting it off
// moves it aside; writes meanwhile go where it was moved.
type harness struct {
	path   string // where the sources look
	aside  string // where it is while cut off
	write  func(path string, values map[string]string) error
	newSrc func(fs *pflag.FlagSet, path string, opts ...Option) (*Watcher, error)

	mu     sync.Mutex
	values map[string]string
	cut    bool
}

func newHarness(t *testing.T, base string, write func(string, map[string]string) error,
	newSrc func(*pflag.FlagSet, string, ...Option) (*Watcher, error)) *harness {
	dir := t.TempDir()
	h := &harness{path: filepath.Join(dir, base), aside: filepath.Join(dir, "aside-"+base),
		write: write, newSrc: newSrc, values: map[string]string{}}
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
	if err := h.write(where, maps.Clone(h.values)); err != nil {
		t.Fatal(err)
	}
}

func (h *harness) Set(t *testing.T, values map[string]string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	maps.Copy(h.values, values)
	h.publish(t)
}

func (h *harness) Delete(t *testing.T, names ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, n := range names {
		delete(h.values, n)
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

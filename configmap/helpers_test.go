package configmap

import (
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/spf13/pflag"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/internal/atomicwriter"
	"github.com/flagz-go/flagz/internal/wait"
)

// eventually polls cond until it holds or ten seconds pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	wait.Until(t, 10*time.Second, what, cond)
}

// countedPast waits until w has recorded a batch past revision rev. A
// batch's values are visible before its counters (Applied, Ignored,
// RestartRequired…) and LastRevision are updated, together: after this,
// the status counts that batch.
func countedPast(t *testing.T, w *Watcher, rev int64) {
	t.Helper()
	eventually(t, fmt.Sprintf("a batch past revision %d recorded in the status", rev), func() bool {
		return w.Status().LastRevision > rev
	})
}

// flags is the flag set every test declares.
type flags struct {
	fs       *pflag.FlagSet
	rate     *flagz.DynInt64Value // valid from 1 to 1000
	greeting *flagz.DynStringValue
	tags     *flagz.DynStringSliceValue
	port     *int // static

	mu      sync.Mutex
	changes []int64 // every value rate was notified of
}

func newFlags(t *testing.T) *flags {
	f := &flags{fs: pflag.NewFlagSet(t.Name(), pflag.ContinueOnError)}
	f.rate = flagz.DynInt64(f.fs, "rate", 10, "requests per second").
		WithValidator(flagz.ValidateDynInt64Range(1, 1000)).
		WithNotifier(func(_, v int64) {
			f.mu.Lock()
			f.changes = append(f.changes, v)
			f.mu.Unlock()
		})
	f.greeting = flagz.DynString(f.fs, "greeting", "hello", "greeting")
	f.tags = flagz.DynStringSlice(f.fs, "tags", []string{"default"}, "tags")
	f.port = f.fs.Int("port", 80, "static port")
	t.Cleanup(f.rate.WaitNotified)
	return f
}

func (f *flags) notified() []int64 {
	f.rate.WaitNotified()
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.changes)
}

func (f *flags) state(t *testing.T, name string) flagz.FlagState {
	t.Helper()
	st, ok := flagz.EngineFor(f.fs).Flag(name)
	if !ok {
		t.Fatalf("no flag %q", name)
	}
	return st
}

// testOrigin is a directory or a file the tests publish versions to.
type testOrigin struct {
	kind       string
	path       string
	write      func(t *testing.T, values map[string]string) // publishes a whole version
	remove     func(t *testing.T)                           // makes the origin vanish
	newWatcher func(fs *pflag.FlagSet, opts ...Option) (*Watcher, error)
}

// dirTestOrigin is a ConfigMap volume written by the kubelet's atomic writer.
func dirTestOrigin(t *testing.T) *testOrigin {
	dir := filepath.Join(t.TempDir(), "config")
	return &testOrigin{
		kind: "dir",
		path: dir,
		write: func(t *testing.T, values map[string]string) {
			t.Helper()
			w, err := atomicwriter.New(dir)
			if err != nil {
				t.Fatal(err)
			}
			payload := map[string]string{}
			for k, v := range values {
				payload[k] = v + "\n" // as kubectl leaves values from files
			}
			if err := w.WriteStrings(payload); err != nil {
				t.Fatal(err)
			}
		},
		remove: func(t *testing.T) {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
		},
		newWatcher: func(fs *pflag.FlagSet, opts ...Option) (*Watcher, error) { return New(fs, dir, opts...) },
	}
}

// fileTestOrigin is a YAML file saved the way most editors do: a new file
// renamed over the old one.
func fileTestOrigin(t *testing.T) *testOrigin {
	path := filepath.Join(t.TempDir(), "flags.yaml")
	return &testOrigin{
		kind: "file",
		path: path,
		write: func(t *testing.T, values map[string]string) {
			t.Helper()
			renameSave(t, path, yamlDoc(values))
		},
		remove: func(t *testing.T) {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		},
		newWatcher: func(fs *pflag.FlagSet, opts ...Option) (*Watcher, error) { return NewFile(fs, path, opts...) },
	}
}

func bothOrigins(t *testing.T, test func(t *testing.T, o *testOrigin)) {
	for _, mk := range []func(*testing.T) *testOrigin{dirTestOrigin, fileTestOrigin} {
		o := mk(t)
		t.Run(o.kind, func(t *testing.T) { test(t, o) })
	}
}

// yamlDoc writes values as a YAML mapping of double-quoted strings.
// An empty map gives "{}": an empty file would be taken for a write in
// progress.
func yamlDoc(values map[string]string) string {
	if len(values) == 0 {
		return "{}\n"
	}
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(values)) {
		fmt.Fprintf(&b, "%s: %s\n", k, strconv.Quote(values[k]))
	}
	return b.String()
}

// renameSave writes content to a temporary file and renames it over path.
func renameSave(t *testing.T, path, content string) {
	t.Helper()
	tmp := path + ".swp"
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// watcher makes the origin's watcher, failing the test on an error.
func (o *testOrigin) watcher(t testing.TB, fs *pflag.FlagSet, opts ...Option) *Watcher {
	t.Helper()
	w, err := o.newWatcher(fs, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// must returns the watcher a constructor made, failing the test on its
// error: must(t)(New(fs, dir)).
func must(t testing.TB) func(*Watcher, error) *Watcher {
	return func(w *Watcher, err error) *Watcher {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
}

// start makes a watcher, initializes and starts it, and stops it when the
// test ends. Resync is off unless opts turn it on, so that a missed event
// fails the test.
func start(t *testing.T, o *testOrigin, f *flags, opts ...Option) *Watcher {
	t.Helper()
	w := o.watcher(t, f.fs, append([]Option{WithResyncPeriod(0), WithLogger(testLogger(t))}, opts...)...)
	report, err := w.Initialize(t.Context())
	if err != nil {
		t.Fatalf("Initialize: %v", err)
	}
	if err := report.Err(); err != nil {
		t.Fatalf("Initialize report: %v", err)
	}
	if err := w.Start(t.Context()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(w.Stop)
	return w
}

// inotifyState counts this process's inotify instances and their watches,
// from /proc/self/fd and /proc/self/fdinfo.
func inotifyState(t *testing.T) (instances, watches int) {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, fd := range fds {
		target, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name()))
		if err != nil || target != "anon_inode:inotify" {
			continue
		}
		info, err := os.ReadFile(filepath.Join("/proc/self/fdinfo", fd.Name()))
		if err != nil {
			continue // closed meanwhile
		}
		instances++
		watches += strings.Count(string(info), "inotify wd:")
	}
	return instances, watches
}

type fsnotifyEvent = fsnotify.Event

// testLogger writes to the test's output, shown only when it fails.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type flagzFlagSet = pflag.FlagSet

func strictlyIncreasing(values []int64) bool {
	for i := 1; i < len(values); i++ {
		if values[i] <= values[i-1] {
			return false
		}
	}
	return true
}

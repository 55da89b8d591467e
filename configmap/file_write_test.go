package configmap

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/flagz-go/flagz/internal/atomicwriter"
	"github.com/flagz-go/flagz/record"
)

// recordGreetings records every value the greeting flag takes.
func recordGreetings(f *flags) (seen func() []string) {
	var mu sync.Mutex
	var values []string
	f.greeting.WithNotifier(func(_, v string) {
		mu.Lock()
		values = append(values, v)
		mu.Unlock()
	})
	return func() []string {
		f.greeting.WaitNotified()
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(values)
	}
}

func fileWatcher(path string) *testOrigin {
	return &testOrigin{newWatcher: func(fs *flagzFlagSet, opts ...Option) (*Watcher, error) { return NewFile(fs, path, opts...) }}
}

// truncateThenWrite rewrites path in place: open with O_TRUNC, then write
// content in pieces, as programs that do not rename do.
func truncateThenWrite(t *testing.T, path string, pieces ...string) {
	t.Helper()
	file, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pieces {
		if _, err := file.WriteString(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := file.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestFileTruncateThenWriteNeverYieldsEmptyOrPartialValue(t *testing.T) {
	f := newFlags(t)
	seen := recordGreetings(f)
	path := filepath.Join(t.TempDir(), "flags.json")
	truncateThenWrite(t, path, `{"greeting": "value-0", "rate": 1}`)
	start(t, fileWatcher(path), f)
	for i := 1; i <= 50; i++ {
		value := fmt.Sprint("value-", i)
		// Split inside the string: any prefix is an unfinished document.
		truncateThenWrite(t, path, `{"greeting": "val`, value[3:], `", "rate": `, fmt.Sprint(i+1), "}\n")
		eventually(t, "write "+value+" applied", func() bool { return f.greeting.Get() == value })
	}
	for _, v := range seen() {
		if !strings.HasPrefix(v, "value-") || len(v) < len("value-1") {
			t.Fatalf("greeting took a partial or empty value %q; all values: %q", v, seen())
		}
	}
	if got := f.notified(); !strictlyIncreasing(got) {
		t.Fatalf("rate went back (to its default?) between writes: %v", got)
	}
}

// A reader that lands between the truncate and the write finds an empty
// file: it must change nothing.
func TestFileEmptyFileChangesNothing(t *testing.T) {
	f := newFlags(t)
	seen := recordGreetings(f)
	path := filepath.Join(t.TempDir(), "flags.yaml")
	truncateThenWrite(t, path, "greeting: one\nrate: 5\n")
	w := start(t, fileWatcher(path), f)

	truncateThenWrite(t, path) // the truncate, and a writer that pauses
	eventually(t, "empty file seen", func() bool {
		return w.Status().State == record.StateDegraded && strings.Contains(w.Status().Err, ErrEmptyFile.Error())
	})
	if f.greeting.Get() != "one" || f.rate.Get() != 5 {
		t.Fatalf("empty file applied: greeting=%q rate=%d", f.greeting.Get(), f.rate.Get())
	}
	truncateThenWrite(t, path, "greeting: two\nrate: 6\n") // the write
	eventually(t, "write applied", func() bool { return f.greeting.Get() == "two" && f.rate.Get() == 6 })
	if got := seen(); !slices.Equal(got, []string{"one", "two"}) {
		t.Fatalf("greeting values %q, want [one two]", got)
	}
	truncateThenWrite(t, path, "# only comments\n")
	eventually(t, "comment-only file seen", func() bool { return w.Status().State == record.StateDegraded })
	truncateThenWrite(t, path, "{}")
	eventually(t, "{} clears every flag", func() bool { return f.greeting.Get() == "hello" && f.rate.Get() == 10 })
}

func TestFileThatFailsToParseChangesNothing(t *testing.T) {
	f := newFlags(t)
	path := filepath.Join(t.TempDir(), "flags.yaml")
	renameSave(t, path, "greeting: one\nrate: 5\n")
	w := start(t, fileWatcher(path), f)
	renameSave(t, path, "greeting: two\nrate: [5\n")
	eventually(t, "parse error reported", func() bool {
		st := w.Status()
		return st.State == record.StateDegraded && strings.Contains(st.Err, "parse YAML") && strings.Contains(st.Err, path)
	})
	if f.greeting.Get() != "one" || f.rate.Get() != 5 {
		t.Fatalf("part of a bad file applied: greeting=%q rate=%d", f.greeting.Get(), f.rate.Get())
	}
	renameSave(t, path, "greeting: three\nrate: 7\n")
	eventually(t, "fixed file applied", func() bool {
		return w.Status().State == record.StateServing && f.greeting.Get() == "three" && f.rate.Get() == 7
	})
}

// Editors that keep a backup move the file away and write a new one; others
// delete and recreate it. Neither may put flags back to their defaults, and
// the watch must go on.
func TestFileDeleteAndRecreateKeepsWatching(t *testing.T) {
	f := newFlags(t)
	path := filepath.Join(t.TempDir(), "flags.yaml")
	renameSave(t, path, "rate: 1\n")
	start(t, fileWatcher(path), f)
	for i := 2; i <= 20; i++ {
		if i%2 == 0 {
			if err := os.Rename(path, path+"~"); err != nil { // vim's backup
				t.Fatal(err)
			}
		} else if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		truncateThenWrite(t, path, fmt.Sprintf("rate: %d\n", i))
		eventually(t, fmt.Sprint("rate = ", i), func() bool { return f.rate.Get() == int64(i) })
		_ = os.Remove(path + "~")
	}
	if got := f.notified(); !strictlyIncreasing(got) {
		t.Fatalf("rate went back (to its default?): %v", got)
	}
}

// A file that is a key of a mounted ConfigMap changes only through the
// ..data swap in its directory.
func TestFileInsideMountedConfigMap(t *testing.T) {
	f := newFlags(t)
	dir := filepath.Join(t.TempDir(), "config")
	aw, err := atomicwriter.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := aw.WriteStrings(map[string]string{"flags.yaml": "rate: 1\n"}); err != nil {
		t.Fatal(err)
	}
	start(t, fileWatcher(filepath.Join(dir, "flags.yaml")), f)
	for i := 2; i <= 10; i++ {
		if err := aw.WriteStrings(map[string]string{"flags.yaml": fmt.Sprintf("rate: %d\n", i)}); err != nil {
			t.Fatal(err)
		}
		eventually(t, fmt.Sprint("rate = ", i), func() bool { return f.rate.Get() == int64(i) })
	}
}

func TestFileInitializeReportsParseError(t *testing.T) {
	f := newFlags(t)
	path := filepath.Join(t.TempDir(), "flags.json")
	renameSave(t, path, `{"rate": 5`)
	w := must(t)(NewFile(f.fs, path, WithLogger(testLogger(t))))
	report, err := w.Initialize(t.Context())
	if err == nil || !strings.Contains(err.Error(), "parse JSON") || report != nil {
		t.Fatalf("Initialize = %v, %v; want a nil report and a JSON parse error", report, err)
	}
	renameSave(t, path, "")
	if report, err := w.Initialize(t.Context()); !errors.Is(err, ErrEmptyFile) || report != nil {
		t.Fatalf("Initialize = %v, %v; want a nil report and ErrEmptyFile", report, err)
	}
	if f.rate.Get() != 10 {
		t.Fatal("a bad file changed a flag")
	}
}

// The file's directory itself removed and made again: the watch on it is
// lost with it and must be added again.
func TestFileDirectoryRemovedAndRecreated(t *testing.T) {
	f := newFlags(t)
	dir := filepath.Join(t.TempDir(), "etc")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "flags.yaml")
	renameSave(t, path, "rate: 1\n")
	w := start(t, fileWatcher(path), f)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	eventually(t, "DEGRADED", func() bool { return w.Status().State == record.StateDegraded })
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	renameSave(t, path, "rate: 2\n")
	eventually(t, "file in the new directory loaded", func() bool { return f.rate.Get() == 2 })
	renameSave(t, path, "rate: 3\n") // and watched
	eventually(t, "later change seen", func() bool { return f.rate.Get() == 3 })
}

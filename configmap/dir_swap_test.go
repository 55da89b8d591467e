package configmap

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/fsnotify/fsnotify"

	"github.com/flagz-go/flagz/internal/atomicwriter"
	"github.com/flagz-go/flagz/record"
)

func TestDirTwoHundredAtomicSwaps(t *testing.T) {
	f := newFlags(t)
	o := dirTestOrigin(t)
	o.write(t, map[string]string{"rate": "1"})
	start(t, o, f)
	for i := 2; i <= 201; i++ {
		values := map[string]string{"rate": strconv.Itoa(i), "greeting": fmt.Sprint("v", i)}
		wantTags := []string{"default"}
		if i%3 == 0 { // a key that comes and goes across swaps
			values["tags"] = fmt.Sprint("t", i)
			wantTags = []string{fmt.Sprint("t", i)}
		}
		o.write(t, values)
		eventually(t, fmt.Sprintf("swap %d visible", i), func() bool {
			return f.rate.Get() == int64(i) && f.greeting.Get() == values["greeting"] && slices.Equal(f.tags.Get(), wantTags)
		})
	}
	got := f.notified()
	if !strictlyIncreasing(got) || got[len(got)-1] != 201 {
		t.Errorf("rate notifications out of order or incomplete: %v", got)
	}
}

// A platform may report the ..data swap as any one operation. Keep only the
// real events that touch ..data, relabelled as that operation, and drop the
// rest: the swap must still be seen (resync is off).
func TestDirSwapSeenAsOneOperationOnly(t *testing.T) {
	for _, op := range []fsnotify.Op{fsnotify.Create, fsnotify.Write, fsnotify.Rename, fsnotify.Remove, fsnotify.Chmod} {
		t.Run(op.String(), func(t *testing.T) {
			f := newFlags(t)
			o := dirTestOrigin(t)
			o.write(t, map[string]string{"rate": "1"})
			only := withEventTransform(func(ev fsnotify.Event) (fsnotify.Event, bool) {
				if filepath.Base(ev.Name) != dataLink {
					return ev, false
				}
				ev.Op = op
				return ev, true
			})
			start(t, o, f, only)
			for i := 2; i <= 5; i++ {
				o.write(t, map[string]string{"rate": strconv.Itoa(i)})
				eventually(t, fmt.Sprintf("swap %d seen as %v", i, op), func() bool { return f.rate.Get() == int64(i) })
			}
		})
	}
}

func TestDirDeleteAndRecreateKeepsWatching(t *testing.T) {
	f := newFlags(t)
	o := dirTestOrigin(t)
	o.write(t, map[string]string{"rate": "1"})
	w := start(t, o, f)
	for round := 2; round <= 4; round++ {
		o.remove(t)
		eventually(t, "DEGRADED", func() bool { return w.Status().State == record.StateDegraded })
		o.write(t, map[string]string{"rate": strconv.Itoa(round * 10)})
		eventually(t, "recreated dir loaded", func() bool { return f.rate.Get() == int64(round*10) })
		// The new directory is watched: a later swap is seen.
		o.write(t, map[string]string{"rate": strconv.Itoa(round*10 + 1)})
		eventually(t, "swap in recreated dir", func() bool { return f.rate.Get() == int64(round*10+1) })
	}
}

func TestDirBehindSymlink(t *testing.T) {
	f := newFlags(t)
	link := filepath.Join(t.TempDir(), "config")
	s, err := atomicwriter.NewSymlinked(link)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.WriteStrings(map[string]string{"rate": "1\n"}); err != nil {
		t.Fatal(err)
	}
	start(t, &testOrigin{newWatcher: func(fs *flagzFlagSet, opts ...Option) (*Watcher, error) { return New(fs, link, opts...) }}, f)
	if f.rate.Get() != 1 {
		t.Fatalf("rate = %d", f.rate.Get())
	}
	// Swaps inside the directory the link points to.
	if err := s.WriteStrings(map[string]string{"rate": "2\n"}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "swap behind the link", func() bool { return f.rate.Get() == 2 })
	// The link itself retargeted to a new directory, then swaps in that one.
	for i := 3; i <= 6; i += 2 {
		if err := s.ReplaceDir(map[string][]byte{"rate": []byte(strconv.Itoa(i))}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "link retargeted", func() bool { return f.rate.Get() == int64(i) })
		if err := s.WriteStrings(map[string]string{"rate": strconv.Itoa(i + 1)}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "swap in the new target", func() bool { return f.rate.Get() == int64(i+1) })
	}
}

func TestDirPlainDirectoryAndIgnoredEntries(t *testing.T) {
	f := newFlags(t)
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("rate", "3\n")
	write("..hidden", "x")
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	w := start(t, &testOrigin{newWatcher: func(fs *flagzFlagSet, opts ...Option) (*Watcher, error) { return New(fs, dir, opts...) }}, f)
	if f.rate.Get() != 3 || w.Status().Ignored != 0 {
		t.Fatalf("rate = %d, status %+v", f.rate.Get(), w.Status())
	}
	write("greeting", "written in place\n")
	eventually(t, "file written in place", func() bool { return f.greeting.Get() == "written in place" })
	if err := os.Remove(filepath.Join(dir, "rate")); err != nil {
		t.Fatal(err)
	}
	eventually(t, "removed key reverts", func() bool { return f.rate.Get() == 10 })
}

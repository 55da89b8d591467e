package sourcetest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flagz-go/flagz/record"
)

// Entry is a kind of file-system entry that is not a regular file. A source
// that reads files meets one where it expects a file, and must neither hang
// on it nor let it stop the rest of its origin from applying.
type Entry string

// The entries TestFileSystem puts where a source reads.
const (
	// NamedPipe is a FIFO (mkfifo): opening it for reading blocks until a
	// writer comes, forever if none does.
	NamedPipe Entry = "named pipe"
	// DanglingSymlink is a symlink to nothing, such as the .#name lock file
	// Emacs leaves beside a file it edits.
	DanglingSymlink Entry = "dangling symlink"
	// Directory is a directory where a file was.
	Directory Entry = "directory"
)

// FileHarness is a Harness whose origin is on the local file system (a
// directory of one file per name, or one file holding every name), and
// which can put an Entry where the source reads.
type FileHarness interface {
	Harness
	// PerName reports whether each name is a file of its own (a ConfigMap
	// volume) rather than part of one file.
	PerName() bool
	// Path returns the file or directory the source is given.
	Path() string
	// Make publishes the origin, as Set does, with entry in place of name's
	// file (PerName only), or, for name "", in place of the origin itself.
	// The entry stays across Set and Delete of other names, until name is
	// set or deleted (for "", until the next Set or Delete).
	Make(t *testing.T, name string, entry Entry)
}

// TestFileSystem runs the file-system cases against a source whose origin
// is a file or a directory, each in a subtest of its own:
//
//   - an origin that is an entry other than a regular file (or a
//     directory, for a directory source) makes Initialize return an error
//     naming it before its deadline, and the running source DEGRADED
//     naming it, keeping the last good values;
//   - (PerName) a name whose file is such an entry affects that name only:
//     Initialize applies the others and leaves the source DEGRADED naming
//     the bad one; while running, the other names keep applying their
//     changes, the bad name's flag keeps its last value (it is not a
//     removal: only a name that is gone is), and the source is DEGRADED
//     naming it until its file is regular again or gone;
//   - Stop returns, whatever the entries.
func TestFileSystem(t *testing.T, newHarness func(t *testing.T) FileHarness) {
	for _, e := range []Entry{NamedPipe, DanglingSymlink} {
		t.Run("OriginIs/"+string(e), func(t *testing.T) { testOriginEntry(t, newHarness(t), e) })
	}
	if !newHarness(t).PerName() {
		return
	}
	for _, e := range []Entry{NamedPipe, DanglingSymlink, Directory} {
		t.Run("InitializeWithNameAs/"+string(e), func(t *testing.T) { testInitializeWithEntry(t, newHarness(t), e) })
		t.Run("NameBecomes/"+string(e), func(t *testing.T) { testNameBecomesEntry(t, newHarness(t), e) })
	}
}

// The origin itself replaced by entry: Initialize fails in time naming it;
// a running source is DEGRADED naming it and keeps its values; a regular
// origin again applies.
func testOriginEntry(t *testing.T, h FileHarness, e Entry) {
	f := newFlags(t)
	base := filepath.Base(h.Path())
	h.Make(t, "", e)
	s := newSource(t, h, f)
	err := initializeInTime(t, s)
	if err == nil || !strings.Contains(err.Error(), base) {
		t.Errorf("Initialize over a %s = %v, want an error naming %s", e, err, base)
	}
	if err := s.Start(t.Context()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	h.Set(t, map[string]string{"rate": "20"})
	eventually(t, "the regular origin applied and SERVING", func() bool {
		return f.rate.Get() == 20 && s.Status().State == record.StateServing
	})
	h.Make(t, "", e)
	eventually(t, "DEGRADED naming the origin", func() bool {
		st := s.Status()
		return st.State == record.StateDegraded && strings.Contains(st.Err, base)
	})
	if f.rate.Get() != 20 {
		t.Errorf("rate = %d while the origin is a %s, want 20 kept", f.rate.Get(), e)
	}
	within(t, "Stop", s.Stop)
}

// A name that is entry at start-up: Initialize applies the other names and
// leaves the source DEGRADED naming it; the others follow; once its file
// is regular, it applies and the source is SERVING.
func testInitializeWithEntry(t *testing.T, h FileHarness, e Entry) {
	f := newFlags(t)
	h.Set(t, map[string]string{"rate": "20", "name": "loaded"})
	h.Make(t, "limit", e)
	s := newSource(t, h, f)
	if err := initializeInTime(t, s); err != nil {
		t.Fatalf("Initialize with limit a %s: %v, want the other names loaded", e, err)
	}
	if f.rate.Get() != 20 || f.name.Get() != "loaded" || f.limit.Get() != limitDefault {
		t.Errorf("after Initialize rate=%d name=%q limit=%d", f.rate.Get(), f.name.Get(), f.limit.Get())
	}
	degradedNaming(t, s, "limit")
	if err := s.Start(t.Context()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	h.Set(t, map[string]string{"rate": "30"})
	eventually(t, "another name's change applied", func() bool { return f.rate.Get() == 30 })
	degradedNaming(t, s, "limit")
	h.Set(t, map[string]string{"limit": "7"})
	eventually(t, "limit applied once regular, and SERVING", func() bool {
		return f.limit.Get() == 7 && s.Status().State == record.StateServing
	})
	within(t, "Stop", s.Stop)
}

// A name that becomes entry while the source runs keeps its flag's value
// and makes the source DEGRADED naming it; the other names keep applying;
// deleting the name returns its flag to the default.
func testNameBecomesEntry(t *testing.T, h FileHarness, e Entry) {
	f := newFlags(t)
	h.Set(t, map[string]string{"rate": "20", "limit": "7"})
	s := started(t, h, f)
	h.Make(t, "limit", e)
	eventually(t, "DEGRADED naming limit", func() bool {
		st := s.Status()
		return st.State == record.StateDegraded && strings.Contains(st.Err, "limit")
	})
	h.Set(t, map[string]string{"rate": "30", "name": "changed"})
	eventually(t, "the other names' changes applied", func() bool {
		return f.rate.Get() == 30 && f.name.Get() == "changed"
	})
	if f.limit.Get() != 7 {
		t.Errorf("limit = %d while its file is a %s, want 7 kept", f.limit.Get(), e)
	}
	degradedNaming(t, s, "limit")
	within(t, "Stop while a name is a "+string(e), s.Stop)
	if err := s.Start(t.Context()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	h.Delete(t, "limit")
	eventually(t, "limit back to its default once gone, and SERVING", func() bool {
		return f.limit.Get() == limitDefault && s.Status().State == record.StateServing
	})
	if f.rate.Get() != 30 {
		t.Errorf("rate = %d after the restart, want 30", f.rate.Get())
	}
}

// initializeInTime calls Initialize with a deadline of half Timeout and
// fails the test if it has not returned after Timeout.
func initializeInTime(t *testing.T, s Source) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), Timeout/2)
	defer cancel()
	var err error
	within(t, "Initialize", func() { _, err = s.Initialize(ctx) })
	return err
}

func degradedNaming(t *testing.T, s Source, name string) {
	t.Helper()
	if st := s.Status(); st.State != record.StateDegraded || !strings.Contains(st.Err, name) {
		t.Errorf("status %v %q, want DEGRADED naming %s", st.State, st.Err, name)
	}
}

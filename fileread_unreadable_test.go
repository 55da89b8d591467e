package flagz

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flagz-go/flagz/record"
)

// A file that exists but cannot be read (here a directory in its place) is
// not a removal: its flag keeps the value last read, the failure is
// returned and makes the source DEGRADED naming the flag, and the other
// files still load. A missing file is a removal: its flag returns to its
// default.
func TestReadFileFlagsKeepsTheValueOfAFileThatCannotBeRead(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fs := newFlagSet(t)
	limit := DynInt64(fs, "limit", 1, "").WithFileFlag(write("limit", "5\n"))
	greeting := DynString(fs, "greeting", "hi", "").WithFileFlag(write("greeting", "hello\n"))
	gone := DynString(fs, "gone", "default", "").WithFileFlag(write("gone", "here\n"))
	port := fs.Int("port", 1, "")
	FileReadFlag(fs, "port", write("port", "8080\n"))
	if err := ReadFileFlags(fs); err != nil {
		t.Fatal(err)
	}
	if limit.Get() != 5 || greeting.Get() != "hello" || gone.Get() != "here" || *port != 8080 {
		t.Fatalf("first read: limit=%d greeting=%q gone=%q port=%d", limit.Get(), greeting.Get(), gone.Get(), *port)
	}

	// limit's and port's files become directories; greeting's changes;
	// gone's is deleted.
	for _, name := range []string{"limit", "port"} {
		p := filepath.Join(dir, name)
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(p, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	write("greeting", "bonjour\n")
	if err := os.Remove(filepath.Join(dir, "gone")); err != nil {
		t.Fatal(err)
	}

	err := ReadFileFlags(fs)
	if err == nil || !strings.Contains(err.Error(), `"limit"`) || !strings.Contains(err.Error(), `"port"`) {
		t.Errorf("ReadFileFlags = %v, want errors naming \"limit\" and \"port\"", err)
	}
	if err != nil && strings.Contains(err.Error(), "restart") {
		t.Errorf("ReadFileFlags = %v: the static flag whose file cannot be read was changed", err)
	}
	if limit.Get() != 5 || *port != 8080 {
		t.Errorf("flags whose files cannot be read: limit=%d port=%d, want the values last read (5, 8080)", limit.Get(), *port)
	}
	if greeting.Get() != "bonjour" {
		t.Errorf("greeting = %q, want the new content beside an unreadable file", greeting.Get())
	}
	if gone.Get() != "default" {
		t.Errorf("gone = %q, want its default once its file is deleted", gone.Get())
	}
	st := fileReadStatus(t, fs)
	if st.State != record.StateDegraded || !strings.Contains(st.Err, `"limit"`) || !strings.Contains(st.Err, `"port"`) {
		t.Errorf("fileread source: %s %q, want DEGRADED naming \"limit\" and \"port\"", st.State, st.Err)
	}
	if fl, ok := EngineFor(fs).Flag("limit"); !ok || fl.LastChange == nil || fl.LastChange.Removed {
		t.Errorf("limit's last change %+v: the unreadable file was recorded as a removal", fl.LastChange)
	}

	// Readable again: the new content applies and the source serves.
	if err := os.Remove(filepath.Join(dir, "limit")); err != nil {
		t.Fatal(err)
	}
	write("limit", "6\n")
	if err := os.Remove(filepath.Join(dir, "port")); err != nil {
		t.Fatal(err)
	}
	write("port", "8080\n")
	if err := fs.Set("gone_path", ""); err != nil {
		t.Fatal(err)
	}
	if err := ReadFileFlags(fs); err != nil {
		t.Fatal(err)
	}
	if limit.Get() != 6 {
		t.Errorf("limit = %d after its file is readable again, want 6", limit.Get())
	}
	if st := fileReadStatus(t, fs); st.State != record.StateServing || st.Err != "" {
		t.Errorf("fileread source once every file is read: %s %q, want SERVING", st.State, st.Err)
	}
}

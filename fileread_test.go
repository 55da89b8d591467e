package flagz

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flagz-go/flagz/record"
)

func TestReadFileFlags(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fs := newFlagSet(t)
	hosts := DynStringSlice(fs, "hosts", nil, "").WithFileFlag(write("hosts", "a, b\n"))
	port := fs.Int("port", 1, "")
	FileReadFlag(fs, "port", "")
	token := DynString(fs, "token", "", "")
	FileReadFlag(fs, "token", write("token", "t0k3n\n"))

	if err := fs.Parse([]string{"--port_path=" + write("port", "8080\n")}); err != nil {
		t.Fatal(err)
	}
	if err := ReadFileFlags(fs); err != nil {
		t.Fatal(err)
	}
	if got := hosts.Get(); len(got) != 2 || got[1] != "b" || *port != 8080 || token.Get() != "t0k3n" {
		t.Fatalf("hosts=%q port=%d token=%q", got, *port, token.Get())
	}
	if st := fileReadStatus(t, fs); st.State != record.StateServing || st.Err != "" || st.LastSync.IsZero() {
		t.Errorf("fileread source after every file was read: %s %q (last sync %v), want SERVING", st.State, st.Err, st.LastSync)
	}

	// Failures name the flag; other files still load.
	fs2 := newFlagSet(t)
	DynInt64(fs2, "n", 0, "").WithFileFlag(write("n", "not a number"))
	s := DynString(fs2, "s", "", "")
	s.WithFileFlag(write("s", "ok"))
	FileReadFlag(fs2, "gone", filepath.Join(dir, "missing"))
	err := ReadFileFlags(fs2)
	if err == nil || !strings.Contains(err.Error(), `"n"`) || !strings.Contains(err.Error(), `"gone"`) {
		t.Errorf("errors = %v, want both flags named", err)
	}
	if s.Get() != "ok" {
		t.Errorf("a failing file stopped others: s=%q", s.Get())
	}
	// A file that cannot be read makes the source DEGRADED, naming it; a
	// value its flag refuses ("n") does not.
	st := fileReadStatus(t, fs2)
	if st.State != record.StateDegraded || !strings.Contains(st.Err, `"gone"`) || strings.Contains(st.Err, `"n"`) {
		t.Errorf("fileread source with an unreadable file: %s %q, want DEGRADED naming only \"gone\"", st.State, st.Err)
	}
}

// fileReadStatus returns the status of the "fileread" source of fs.
func fileReadStatus[F FlagSet](t *testing.T, fs F) record.SourceStatus {
	t.Helper()
	for _, st := range EngineFor(fs).Sources() {
		if st.Name == "fileread" {
			return st
		}
	}
	t.Fatal("no fileread source")
	return record.SourceStatus{}
}

func TestReadFileFlagsStandardFlagSet(t *testing.T) {
	p := filepath.Join(t.TempDir(), "limit")
	if err := os.WriteFile(p, []byte("42\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fs := flag.NewFlagSet("std", flag.ContinueOnError)
	limit := DynInt64(fs, "limit", 1, "").WithFileFlag(p)
	if err := ReadFileFlags(fs); err != nil || limit.Get() != 42 {
		t.Fatalf("err=%v limit=%d", err, limit.Get())
	}
}

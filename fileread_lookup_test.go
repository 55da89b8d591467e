package flagz

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// The companion flag WithFileFlag declares is reached through the flag set,
// on pflag and on the standard flag package alike.
func TestWithFileFlagCompanionIsReachableThroughTheFlagSet(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "limit")
	if err := os.WriteFile(file, []byte("7\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	pfs := newFlagSet(t)
	pLimit := DynInt64(pfs, "limit", 1, "").WithFileFlag("default.txt")
	sfs := flag.NewFlagSet(t.Name(), flag.ContinueOnError)
	sLimit := DynInt64(sfs, "limit", 1, "").WithFileFlag("default.txt")

	cases := []struct {
		kind   string
		lookup func() (flagValue any, defValue string)
		parse  func(args []string) error
		read   func() error
		limit  *DynInt64Value
	}{
		{"pflag", func() (any, string) {
			f := pfs.Lookup("limit_path")
			if f == nil {
				return nil, ""
			}
			return f.Value, f.DefValue
		}, pfs.Parse, func() error { return ReadFileFlags(pfs) }, pLimit},
		{"flag", func() (any, string) {
			f := sfs.Lookup("limit_path")
			if f == nil {
				return nil, ""
			}
			return f.Value, f.DefValue
		}, sfs.Parse, func() error { return ReadFileFlags(sfs) }, sLimit},
	}
	for _, c := range cases {
		t.Run(c.kind, func(t *testing.T) {
			value, defValue := c.lookup()
			companion, ok := value.(*FileReadValue)
			if !ok {
				t.Fatalf("Lookup(%q).Value = %T, want *FileReadValue", "limit_path", value)
			}
			if defValue != "default.txt" || companion.Path() != "default.txt" {
				t.Errorf("default path: DefValue=%q Path()=%q, want %q", defValue, companion.Path(), "default.txt")
			}
			if companion.ParentFlagName() != "limit" || companion.Type() != "fileread" {
				t.Errorf("ParentFlagName()=%q Type()=%q", companion.ParentFlagName(), companion.Type())
			}
			if err := c.parse([]string{"--limit_path=" + file}); err != nil {
				t.Fatal(err)
			}
			if companion.Path() != file || companion.String() != file {
				t.Errorf("after parsing: Path()=%q String()=%q, want %q", companion.Path(), companion.String(), file)
			}
			if err := c.read(); err != nil || c.limit.Get() != 7 {
				t.Fatalf("ReadFileFlags: err=%v limit=%d, want 7", err, c.limit.Get())
			}
		})
	}
}

// An empty path, given on the command line, turns the default file off.
func TestFileReadValueEmptyPathReadsNothing(t *testing.T) {
	fs := newFlagSet(t)
	limit := DynInt64(fs, "limit", 1, "").WithFileFlag(filepath.Join(t.TempDir(), "missing"))
	if err := fs.Parse([]string{"--limit_path="}); err != nil {
		t.Fatal(err)
	}
	if err := ReadFileFlags(fs); err != nil || limit.Get() != 1 {
		t.Fatalf("err=%v limit=%d, want no error and the default", err, limit.Get())
	}
}

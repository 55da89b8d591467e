package flagz

import (
	"bytes"
	"flag"
	"reflect"
	"testing"

	"github.com/spf13/pflag"
)

// The static checksum asks flagCount whether the flag set grew instead of
// walking every flag on each read (a scrape of 10,000 flags); it must count
// what VisitAll visits, for both kinds of flag set. If a new pflag or Go
// release renames the field, this test fails: the checksum stays right
// (it walks the flags again) but every scrape pays for the walk.
func TestFlagCountCountsEveryFlag(t *testing.T) {
	pfs := newFlagSet(t)
	sfs := flag.NewFlagSet(t.Name(), flag.ContinueOnError)
	for _, c := range []struct {
		name    string
		fs      flagSet
		declare func(i int)
		visited func() int
	}{
		{"pflag", pflagSet{pfs}, func(i int) {
			if i%2 == 0 {
				pfs.Int(string(rune('a'+i)), 0, "")
			} else {
				DynInt64(pfs, string(rune('a'+i)), 0, "")
			}
		}, func() (n int) { pfs.VisitAll(func(*pflag.Flag) { n++ }); return n }},
		{"flag", stdFlagSet(sfs), func(i int) {
			if i%2 == 0 {
				sfs.Int(string(rune('a'+i)), 0, "")
			} else {
				DynInt64(sfs, string(rune('a'+i)), 0, "")
			}
		}, func() (n int) { sfs.VisitAll(func(*flag.Flag) { n++ }); return n }},
	} {
		for i := range 4 {
			n, ok := flagCount(c.fs)
			if !ok {
				t.Fatalf("%s: flagCount cannot read the flag set", c.name)
			}
			if want := c.visited(); n != want {
				t.Errorf("%s: flagCount = %d, VisitAll visits %d", c.name, n, want)
			}
			c.declare(i)
		}
	}
}

// Without the field flagCount says it cannot count, and the static
// checksum walks the flags.
func TestFlagCountWithoutTheField(t *testing.T) {
	if idx := formalIndex(reflect.TypeFor[struct{ other map[string]int }]()); idx != nil {
		t.Errorf("index of a missing field = %v", idx)
	}
	if idx := formalIndex(reflect.TypeFor[struct{ formal []int }]()); idx != nil {
		t.Errorf("index of a field that is no map = %v", idx)
	}
	if _, ok := formalLen(&struct{}{}, nil); ok {
		t.Error("formalLen counted without an index")
	}
}

// TestStaticChecksumFollowsTheFlagSet for a standard flag set.
func TestStaticChecksumFollowsAStdFlagSet(t *testing.T) {
	fs := flag.NewFlagSet(t.Name(), flag.ContinueOnError)
	DynInt64(fs, "dyn", 1, "")
	fs.String("a", "x", "")
	e := EngineFor(fs)
	check := func(step string) uint64 {
		t.Helper()
		got := e.StaticChecksum()
		if want := ChecksumFlagSet(fs, IsFlagStatic); !bytes.Equal(be64(got), want) {
			t.Errorf("%s: static checksum %x, want %x", step, got, want)
		}
		return got
	}
	start := check("start")
	fs.String("b", "y", "")
	if check("b declared") == start {
		t.Error("a static flag declared after the first read left the static checksum as it was")
	}
}

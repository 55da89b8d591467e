package flagz

import (
	"bytes"
	"testing"
)

// The static checksum keeps which flags flagz did not declare between
// reads; it must still follow every change: a static flag declared after
// the first read, a value set directly through the flag set (not through
// the engine), a flag marked dynamic after declaration.
func TestStaticChecksumFollowsTheFlagSet(t *testing.T) {
	fs := newFlagSet(t)
	DynInt64(fs, "dyn", 1, "")
	fs.String("a", "x", "")
	e := EngineFor(fs)
	seen := map[uint64]string{}
	check := func(step string) {
		t.Helper()
		got := e.StaticChecksum()
		if want := ChecksumFlagSet(fs, IsFlagStatic); !bytes.Equal(be64(got), want) {
			t.Errorf("%s: static checksum %x, want %x", step, got, want)
		}
		if prev, ok := seen[got]; ok {
			t.Errorf("%s: static checksum %x unchanged since %s", step, got, prev)
		}
		seen[got] = step
	}
	check("start")
	fs.String("b", "y", "")
	check("b declared")
	DynString(fs, "c", "z", "")
	if got := e.StaticChecksum(); seen[got] != "b declared" {
		t.Errorf("a dynamic flag declared moved the static checksum to %x", got)
	}
	if err := fs.Set("a", "changed"); err != nil {
		t.Fatal(err)
	}
	check("a set through the flag set")
	MarkFlagDynamic(fs.Lookup("b"))
	check("b marked dynamic")
}

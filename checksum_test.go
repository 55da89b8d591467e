package flagz

import (
	"bytes"
	"fmt"
	"testing"
)

func TestChecksumIsDeterministic(t *testing.T) {
	build := func() *Engine {
		fs := newFlagSet(t)
		set := DynStringSet(fs, "set", nil, "")
		for i := 0; i < 20; i++ {
			DynInt64(fs, fmt.Sprintf("n%02d", i), int64(i), "")
		}
		fs.String("static", "v", "")
		if err := set.Set("e,d,c,b,a,f,g,h"); err != nil {
			t.Fatal(err)
		}
		return EngineFor(fs)
	}
	want := build().checksumOf(nil)
	e := build()
	for i := 0; i < 1000; i++ {
		if got := e.checksumOf(nil); got != want {
			t.Fatalf("run %d: checksum %x, want %x", i, got, want)
		}
	}
	if other := build(); other.checksumOf(nil) != want {
		t.Error("two flag sets holding the same values differ")
	}
}

func TestChecksumFramesNamesAndValues(t *testing.T) {
	a := newFlagSet(t)
	a.String("ab", "c", "")
	b := newFlagSet(t)
	b.String("a", "bc", "")
	if bytes.Equal(ChecksumFlagSet(a, nil), ChecksumFlagSet(b, nil)) {
		t.Error("{ab=c} and {a=bc} have the same checksum")
	}
}

func TestChecksumFiltersByKind(t *testing.T) {
	fs := newFlagSet(t)
	d := DynInt64(fs, "dyn", 1, "")
	fs.String("static", "s", "")
	e := EngineFor(fs)
	dyn, static, all := e.DynamicChecksum(), e.StaticChecksum(), e.checksumOf(nil)
	if dyn == static || dyn == all || static == all {
		t.Fatalf("kinds not told apart: %x %x %x", dyn, static, all)
	}
	if err := d.Set("2"); err != nil {
		t.Fatal(err)
	}
	if e.StaticChecksum() != static {
		t.Error("a dynamic change moved the static checksum")
	}
	if e.DynamicChecksum() == dyn {
		t.Error("a dynamic change left the dynamic checksum unchanged")
	}
	if err := d.Set("1"); err != nil {
		t.Fatal(err)
	}
	if e.DynamicChecksum() != dyn {
		t.Error("returning to the same values did not restore the checksum")
	}
	if !bytes.Equal(ChecksumFlagSet(fs, IsFlagDynamic), be64(dyn)) {
		t.Error("ChecksumFlagSet disagrees with Engine.Checksum")
	}
}

func be64(v uint64) []byte {
	return []byte{byte(v >> 56), byte(v >> 48), byte(v >> 40), byte(v >> 32), byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
}

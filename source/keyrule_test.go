package source

import (
	"strings"
	"testing"
)

// alnum lets letters and digits stand for themselves, and a dot between
// two of them.
var alnum = KeyRule{Escape: '=', Literal: func(name string, i int) bool {
	c := name[i]
	if c == '.' {
		return i > 0 && i < len(name)-1 && name[i-1] != '.'
	}
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9'
}}

func TestKeyRuleRoundTrips(t *testing.T) {
	for name, key := range map[string]string{
		"rate":    "rate",
		"db.pool": "db.pool",
		"a b":     "a=20b",
		"x=1":     "x=3D1",
		"é":       "=C3=A9",
		".a..b.":  "=2Ea.=2Eb=2E",
		"=":       "=3D",
		"\x00":    "=00",
	} {
		if got := alnum.Key(name); got != key {
			t.Errorf("Key(%q) = %q, want %q", name, got, key)
		}
		if got, ok := alnum.Name(key); !ok || got != name {
			t.Errorf("Name(%q) = %q, %v; want %q, true", key, got, ok, name)
		}
	}
}

// A key that is no name's key maps to no flag: Name returns it as it is.
func TestKeyRuleRefusesKeysOfNoName(t *testing.T) {
	for _, key := range []string{"=", "a=", "a=2", "a=zz", "=61", "=3d", "a=2Eb", ""} {
		if got, ok := alnum.Name(key); ok || got != key {
			t.Errorf("Name(%q) = %q, %v; want the key itself, false", key, got, ok)
		}
	}
}

// Every byte string survives the round trip, and distinct names get
// distinct keys.
func FuzzKeyRule(f *testing.F) {
	for _, s := range []string{"rate", "a..b", "=41", "\xff", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		key := alnum.Key(name)
		if strings.Trim(key, "=.0123456789ABCDEFabcdefghijklmnopqrstuvwxyz") != "" {
			t.Fatalf("Key(%q) = %q holds a byte it may not", name, key)
		}
		if name == "" {
			return
		}
		if got, ok := alnum.Name(key); !ok || got != name {
			t.Fatalf("Name(Key(%q)) = %q, %v", name, got, ok)
		}
	})
}

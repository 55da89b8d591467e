package source

import (
	"fmt"
	"strconv"
	"strings"
)

// A KeyRule maps flag names to the keys of an origin whose keys may hold
// only some characters (a NATS key, a ConfigMap key), one reversible way:
// a byte of a name that Literal allows stands for itself in its key, and
// any other byte is written as Escape and its two upper-case hex digits.
// Every name has one key, and a key is the key of at most one name, the
// one its escapes decode to.
type KeyRule struct {
	// Escape starts an escape; it never stands for itself.
	Escape byte
	// Literal reports whether the byte of name at i may stand for itself
	// in the key (it is asked only about bytes other than Escape).
	Literal func(name string, i int) bool
}

// Key returns the key of the flag called name.
func (k KeyRule) Key(name string) string {
	var b strings.Builder
	for i := range len(name) {
		if name[i] != k.Escape && k.Literal(name, i) {
			b.WriteByte(name[i])
		} else {
			fmt.Fprintf(&b, "%c%02X", k.Escape, name[i])
		}
	}
	return b.String()
}

// Name returns the name whose key is key. A key that is no name's key (an
// Escape not followed by two hex digits, an escaped byte that would stand
// for itself, lower-case hex) maps to no flag: Name returns the key itself
// and false, and an origin reports it as it is, under that name, so that
// the engine reports it as an unknown name like any other.
func (k KeyRule) Name(key string) (string, bool) {
	b := make([]byte, 0, len(key))
	for i := 0; i < len(key); i++ {
		if key[i] != k.Escape {
			b = append(b, key[i])
			continue
		}
		if i+3 > len(key) {
			return key, false
		}
		v, err := strconv.ParseUint(key[i+1:i+3], 16, 8)
		if err != nil {
			return key, false
		}
		b = append(b, byte(v))
		i += 2
	}
	if name := string(b); name != "" && k.Key(name) == key {
		return name, true
	}
	return key, false
}

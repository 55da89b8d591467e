package natskv

import (
	"strings"

	"github.com/flagz-go/flagz/source"
)

// keyChars are the characters a NATS key may hold.
const keyChars = "-/_=.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// keyRule: a letter, a digit, '-', '_', '/' stand for themselves, and so
// does a '.' that is neither first nor last nor right after another '.'
// (a key is NATS subject tokens, none empty).
var keyRule = source.KeyRule{Escape: '=', Literal: func(name string, i int) bool {
	if name[i] == '.' {
		return i > 0 && i < len(name)-1 && name[i-1] != '.'
	}
	return strings.IndexByte(keyChars, name[i]) >= 0
}}

// Key returns the key of the flag called name, under the prefix if any. A
// byte of name stands for itself if it is a letter, a digit, '-', '_' or
// '/', or a '.' that is neither first nor last nor right after another
// '.'; any other byte, '=' included, is written '=' and its two upper-case
// hex digits: "db.pool" stays, "a b" is "a=20b", "x=1" is "x=3D1", "é" is
// "=C3=A9". A key that is no name's key (a '=' that is no such escape,
// "=61" where "a" would do) maps to no flag: the source reports the key
// itself as an unknown name.
func Key(name string) string { return keyRule.Key(name) }

// name returns the name of a key under the prefix (see source.KeyRule.Name).
func (o *kvOrigin) name(key string) (string, bool) {
	key, ok := strings.CutPrefix(key, o.prefix)
	if !ok || key == "" {
		return "", false
	}
	name, _ := keyRule.Name(key)
	return name, true
}

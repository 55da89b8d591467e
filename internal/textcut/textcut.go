// Package textcut bounds texts that are kept or shown: a name, a value, an
// author or a reason that came from outside and may be of any length.
package textcut

import "unicode/utf8"

// Cut returns s when it is at most n bytes long; else its first n bytes or
// fewer, whole UTF-8 characters (a character that n would split is left
// out), followed by "…".
func Cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

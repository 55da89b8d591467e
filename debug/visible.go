package debug

import (
	"bytes"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// visible rewrites every invisible format character (Unicode category Cf:
// the bidirectional controls U+202A–U+202E and U+2066–U+2069, zero-width
// spaces and joiners U+200B–U+200F, U+FEFF, the soft hyphen, …) of the
// rendered page as the text "\u202e", so that a value cannot reorder or
// hide what the operator reads. The template holds no such character, so
// every one comes from a value; the replacement is plain ASCII and so safe
// in text and attributes alike. A page without any is returned as it is.
func visible(page []byte) []byte {
	i := firstFormat(page)
	if i < 0 {
		return page
	}
	out := make([]byte, 0, len(page)+64)
	out = append(out, page[:i]...)
	for i < len(page) {
		r, size := utf8.DecodeRune(page[i:])
		switch {
		case r >= utf8.RuneSelf && r > 0xffff && unicode.Is(unicode.Cf, r):
			out = fmt.Appendf(out, `\U%08x`, r)
		case r >= utf8.RuneSelf && unicode.Is(unicode.Cf, r):
			out = fmt.Appendf(out, `\u%04x`, r)
		default:
			out = append(out, page[i:i+size]...)
		}
		i += size
	}
	return out
}

// firstFormat returns the offset of the first Cf character of b, or -1.
func firstFormat(b []byte) int {
	for i := 0; i < len(b); {
		j := bytes.IndexFunc(b[i:], func(r rune) bool { return r >= utf8.RuneSelf })
		if j < 0 {
			return -1
		}
		i += j
		r, size := utf8.DecodeRune(b[i:])
		if unicode.Is(unicode.Cf, r) {
			return i
		}
		i += size
	}
	return -1
}

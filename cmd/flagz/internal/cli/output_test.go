package cli

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// printable shows every control character (C0, DEL, C1), bidi control and
// other invisible format character, line and paragraph separator, and
// byte that is not UTF-8, as a Go escape; the rest as it is.
func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"plain 50":                  "plain 50",
		`quotes "a" and \d+ stay`:   `quotes "a" and \d+ stay`,
		"héllo 世界 ×2 [redacted]":    "héllo 世界 ×2 [redacted]",
		"\x1b[2Jclear":              `\x1b[2Jclear`,
		"\x1b]52;c;ZXZpbA==\x07":    `\x1b]52;c;ZXZpbA==\a`,
		"a\rb\nc\td\x00e\x7f":       `a\rb\nc\td\x00e\x7f`,
		"c1 \u009b2J \u0085":        `c1 \u009b2J \u0085`,
		"raw c1 byte \x9b2J \xff":   `raw c1 byte \x9b2J \xff`,
		"bidi \u202eevil\u202c":     `bidi \u202eevil\u202c`,
		"isolate \u2066x\u2069":     `isolate \u2066x\u2069`,
		"zero\u200bwidth \ufeffbom": `zero\u200bwidth \ufeffbom`,
		"line\u2028para\u2029":      `line\u2028para\u2029`,
		"":                          "",
	} {
		got := printable(in)
		if got != want {
			t.Errorf("printable(%q) = %q, want %q", in, got, want)
		}
		if bad := rawControls(got); len(bad) > 0 {
			t.Errorf("printable(%q) = %q holds %q", in, got, bad)
		}
	}
}

// Text output shows every argument printable; a format's own newline
// stays.
func TestOutputFunctionsEscape(t *testing.T) {
	var out, errs lockedBuffer
	s := &session{stdout: &out, stderr: &errs}
	s.printf("%s = %s (%v)", "a\nb", "\x1b[2J", errString("c\rd"))
	s.warnf("%s", "e\u202ef")
	tb := s.table("A", "B")
	tb.row("%s\t%d", "x\ty", 5)
	_ = tb.flush()
	for _, text := range []string{out.String(), errs.String()} {
		if bad := rawControls(strings.ReplaceAll(text, "\n", "")); len(bad) > 0 {
			t.Errorf("output holds %q:\n%s", bad, text)
		}
	}
	for _, want := range []string{`a\nb = \x1b[2J (c\rd)`, `x\ty`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("stdout does not say %q:\n%s", want, out.String())
		}
	}
	if !strings.Contains(errs.String(), `warning: e\u202ef`) {
		t.Errorf("stderr: %q", errs.String())
	}
}

type errString string

func (e errString) Error() string { return string(e) }

// rawControls returns what in s must not reach a terminal as it is: control
// characters (newline included), format characters (bidi controls and
// other invisible ones), line and paragraph separators, and bytes that are
// not UTF-8.
func rawControls(s string) []string {
	var bad []string
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || unicode.IsControl(r) ||
			unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) {
			bad = append(bad, s[i:i+size])
		}
		i += size
	}
	return bad
}

package cli

import (
	"strings"
	"testing"
)

// The table shows values as they are, quotes included, but control,
// invisible and bidi characters escaped, and long values cut.
func TestClip(t *testing.T) {
	for in, want := range map[string]string{
		`{"a":1}`:               `{"a":1}`,
		"tab\there":             `tab\there`,
		"rtl\u202eevil":         `rtl\u202eevil`,
		"zero\u200bwidth":       `zero\u200bwidth`,
		"héllo":                 "héllo",
		strings.Repeat("x", 50): strings.Repeat("x", 37) + "...",
		strings.Repeat("é", 50): strings.Repeat("é", 37) + "...",
	} {
		if got := clip(in); got != want {
			t.Errorf("clip(%q) = %q, want %q", in, got, want)
		}
	}
}

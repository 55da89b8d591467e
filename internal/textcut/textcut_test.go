package textcut

import "testing"

func TestCut(t *testing.T) {
	for _, c := range []struct {
		s    string
		n    int
		want string
	}{
		{"short", 5, "short"},
		{"shorter", 5, "short…"},
		{"", 0, ""},
		{"abc", 0, "…"},
		{"aé", 2, "a…"}, // é is two bytes: the cut at 2 would split it
		{"aé", 3, "aé"},
		{"日本語", 4, "日…"},
		{"日本語", 6, "日本…"},
	} {
		if got := Cut(c.s, c.n); got != c.want {
			t.Errorf("Cut(%q, %d) = %q, want %q", c.s, c.n, got, c.want)
		}
	}
}

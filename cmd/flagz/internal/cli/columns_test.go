package cli

import "testing"

// The default text output of ls fits screenWidth whatever the cells hold:
// each of its columns has a limit, and they add up within it.
func TestLsColumnsFitTheScreen(t *testing.T) {
	if !fits(lsColumns) {
		t.Errorf("ls's columns %+v do not fit %d columns", lsColumns, screenWidth)
	}
	for _, tc := range []struct {
		s    string
		n    int
		want string
	}{
		{"hello", 5, "hello"}, {"hello, world", 8, "hello..."}, {"héllo wörld", 7, "héll..."}, {"abc", 0, "abc"}, {"abcdef", 2, "ab"},
	} {
		if got := clipTo(tc.s, tc.n); got != tc.want {
			t.Errorf("clipTo(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.want)
		}
	}
}

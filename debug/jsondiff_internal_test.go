package debug

import (
	"fmt"
	"strings"
	"testing"
)

func TestJSONDiff(t *testing.T) {
	cases := []struct{ def, value, want string }{
		{`{"a":1,"b":{"c":true,"d":[1]}}`, `{"a":1,"b":{"c":false,"d":[1]},"e/f":null}`, `[/b/c:true→false /e~1f:∅→null]`},
		{`{"a":1}`, `{}`, `[/a:1→∅]`},
		{`[1,2]`, `[1,3]`, `[/:[1,2]→[1,3]]`},
		{`{"a":1}`, `{"a":1}`, `[]`},
		{`{"a":1}`, `[redacted]`, `[]`},
		{`{"n":1.0}`, `{"n":1.00}`, `[/n:1.0→1.00]`}, // numbers compared as written
	}
	for _, c := range cases {
		var parts []string
		for _, d := range jsonDiff(c.def, c.value) {
			show := func(r []byte) string {
				if r == nil {
					return "∅"
				}
				return string(r)
			}
			parts = append(parts, d.Path+":"+show(d.Default)+"→"+show(d.Value))
		}
		if got := fmt.Sprint("[" + strings.Join(parts, " ") + "]"); got != c.want {
			t.Errorf("jsonDiff(%s, %s) = %s, want %s", c.def, c.value, got, c.want)
		}
	}
	var big strings.Builder
	big.WriteString("{")
	for i := range 100 {
		fmt.Fprintf(&big, `%s"k%03d":%d`, map[bool]string{true: "", false: ","}[i == 0], i, i)
	}
	big.WriteString("}")
	if n := len(jsonDiff("{}", big.String())); n != maxJSONDiff {
		t.Errorf("%d differences listed, want the bound %d", n, maxJSONDiff)
	}
}

func TestVisibleLeavesOrdinaryTextAlone(t *testing.T) {
	for _, s := range []string{"", "plain", "héllo wörld ✓ 日本", "emoji 👍"} {
		if got := string(visible([]byte(s))); got != s {
			t.Errorf("visible(%q) = %q", s, got)
		}
	}
	if got := string(visible([]byte("a\u00adb\u061cc"))); got != `a\u00adb\u061cc` {
		t.Errorf("soft hyphen and Arabic letter mark: %q", got)
	}
}

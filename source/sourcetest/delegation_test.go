package sourcetest

import (
	"fmt"
	"strings"
	"testing"
)

// recorder is a testing.TB that records errors instead of failing.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestCheckDelegation(t *testing.T) {
	ok := &recorder{TB: t}
	CheckDelegation(ok, "testdata/delegating", "Source")
	if len(ok.errs) != 0 {
		t.Errorf("a source whose lifecycle methods only call its runtime's: %q", ok.errs)
	}

	bad := &recorder{TB: t}
	CheckDelegation(bad, "testdata/overriding", "Source")
	for _, want := range []string{
		"Source.Start is more than one statement",
		"Source.Initialize passes other arguments",
		"Source.Stop calls another method",
		"Source.Run calls another value's method",
		"declares no Status method",
	} {
		if !strings.Contains(strings.Join(bad.errs, "\n"), want) {
			t.Errorf("no error %q among %q", want, bad.errs)
		}
	}
}

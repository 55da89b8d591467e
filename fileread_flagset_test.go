package flagz

import (
	"fmt"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// otherFlagSet is a flag set view newFileReadValue does not know.
type otherFlagSet struct{ flagSet }

// newFileReadValue declares the companion flag on every kind of flag set
// it is given, or panics saying which it does not know: never returns a
// value no flag set holds.
func TestNewFileReadValueRefusesAFlagSetItDoesNotKnow(t *testing.T) {
	defer func() {
		r := recover()
		if r == nil {
			t.Fatal("newFileReadValue declared nothing on an unknown flag set and did not panic")
		}
		if msg := fmt.Sprint(r); !strings.Contains(msg, "limit_path") || !strings.Contains(msg, "otherFlagSet") {
			t.Errorf("panic %q, want it to name the flag and the flag set's type", msg)
		}
	}()
	newFileReadValue(otherFlagSet{adapt(pflag.NewFlagSet(t.Name(), pflag.ContinueOnError))}, "limit", "")
}

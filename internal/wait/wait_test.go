package wait

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestUntilReturnsOnceTheConditionHolds(t *testing.T) {
	polls := 0
	Until(t, time.Minute, "the third poll", func() bool { polls++; return polls == 3 })
	if polls != 3 {
		t.Errorf("polled %d times, want 3", polls)
	}
}

// recorder is a testing.TB that records Fatalf instead of stopping.
type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = format
}

func TestUntilFailsAtTheDeadline(t *testing.T) {
	r := &recorder{TB: t}
	done := false
	Until(r, 10*time.Millisecond, "never", func() bool {
		if r.failed != "" { // Fatalf did not stop us: end the loop ourselves
			done = true
		}
		return done
	})
	if r.failed == "" {
		t.Error("a condition that never holds did not fail the test")
	}
}

func TestReturnsWaitsForFn(t *testing.T) {
	ran := false
	Returns(t, time.Minute, "fn", func() { ran = true }, nil)
	if !ran {
		t.Error("Returns came back before fn ran")
	}
}

func TestReturnsFailsAndReleasesAHungFn(t *testing.T) {
	rec := &recorder{TB: t}
	hold := make(chan struct{})
	Returns(rec, time.Millisecond, "the hung call", func() { <-hold }, func() { close(hold) })
	if !strings.Contains(rec.failed, "the hung call did not return") {
		t.Errorf("failed with %q, want a failure naming the call", rec.failed)
	}
}

package wait

import (
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

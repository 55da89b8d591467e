// Package wait lets tests wait for a condition instead of sleeping a fixed
// time: it polls, and fails the test with what it waited for when the
// deadline passes.
package wait

import (
	"testing"
	"time"
)

// Until polls cond every two milliseconds until it holds. If timeout passes
// first it fails tb, naming what it waited for.
func Until(tb testing.TB, timeout time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out after %v waiting for: %s", timeout, what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

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

// Returns runs fn on a goroutine of its own and waits for it to return. If
// timeout passes first it fails tb, naming what it waited for: a bound on
// hanging, not a measure of speed. With a release function it then calls
// release, which must make fn return, waits for fn and goes on (the test
// continues, failed); without one it stops the test at once.
func Returns(tb testing.TB, timeout time.Duration, what string, fn func(), release func()) {
	tb.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-done:
		return
	case <-t.C:
	}
	if release == nil {
		tb.Fatalf("%s did not return within %v", what, timeout)
	}
	tb.Errorf("%s did not return within %v", what, timeout)
	release()
	<-done
}

package watcher

import (
	"errors"
	"slices"
	"testing"
	"time"
)

// A failing publisher logs each distinct error once, exposes the failure
// until a write succeeds, and starts afresh after one.
func TestPublishFailureLogsEachDistinctErrorOnce(t *testing.T) {
	var p publishFailure
	if _, failing := p.get(); failing {
		t.Fatal("failing before any attempt")
	}
	t0 := time.Unix(100, 0)
	tooLarge, timeout := errors.New("etcdserver: request is too large"), errors.New("context deadline exceeded")
	logged := []bool{p.failed(tooLarge, t0), p.failed(tooLarge, t0.Add(time.Second)),
		p.failed(timeout, t0.Add(2*time.Second)), p.failed(timeout, t0.Add(3*time.Second))}
	if want := []bool{true, false, true, false}; !slices.Equal(logged, want) {
		t.Errorf("logged = %v, want %v", logged, want)
	}
	f, failing := p.get()
	if !failing || f.Failures != 4 || !f.Since.Equal(t0) || f.Err != timeout {
		t.Errorf("get = %+v, %v; want 4 failures since %v, the last error", f, failing, t0)
	}
	if !p.succeeded() || p.succeeded() {
		t.Error("succeeded did not report the end of the failure exactly once")
	}
	if _, failing := p.get(); failing {
		t.Error("still failing after a success")
	}
	if !p.failed(tooLarge, t0) {
		t.Error("an error seen in an earlier failure is not logged again after a success")
	}
}

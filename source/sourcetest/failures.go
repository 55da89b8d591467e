package sourcetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/source"
)

// While the origin is unreachable the source is DEGRADED and the flags keep
// their values; when it is back, what changed meanwhile is reconciled:
// changed names applied, deleted names returned to their defaults.
func testOutage(t *testing.T, h Harness) {
	f := newFlags(t)
	h.Set(t, map[string]string{"rate": "20", "name": "before"})
	s := started(t, h, f)
	h.Cut(t)
	eventually(t, "DEGRADED while cut off", func() bool { return s.Status().State == record.StateDegraded })
	if st := s.Status(); st.Err == "" {
		t.Errorf("DEGRADED without a reason: %+v", st)
	}
	h.Set(t, map[string]string{"rate": "50"})
	h.Delete(t, "name")
	if f.rate.Get() != 20 || f.name.Get() != "before" {
		t.Errorf("values changed while cut off: rate=%d name=%q", f.rate.Get(), f.name.Get())
	}
	h.Restore(t)
	eventually(t, "SERVING again with the changes made meanwhile", func() bool {
		return s.Status().State == record.StateServing && f.rate.Get() == 50 && f.name.Get() == nameDefault
	})
	h.Set(t, map[string]string{"rate": "60"})
	eventually(t, "following again after the recovery", func() bool { return f.rate.Get() == 60 })
}

// A storm of updates is applied in order: the notifier never sees a value
// go back, and the last one wins.
func testStorm(t *testing.T, h Harness) {
	const n = 1000
	f := newFlags(t)
	h.Set(t, map[string]string{"rate": "1"})
	started(t, h, f)
	for i := 2; i <= n; i++ {
		h.Set(t, map[string]string{"rate": fmt.Sprint(i)})
	}
	eventually(t, fmt.Sprintf("rate = %d", n), func() bool { return f.rate.Get() == n })
	notes := f.rateNotes()
	for i, note := range notes[1:] {
		if note[1] <= note[0] || note[0] != notes[i][1] {
			t.Fatalf("notification %d out of order: %v after %v", i+1, note, notes[i])
		}
	}
}

// A validator or notifier that panics is contained: the value is refused
// (validator) or applied (notifier), the panic is reported on the flag, and
// the source goes on.
func testPanics(t *testing.T, h Harness) {
	f := newFlags(t)
	s := started(t, h, f)
	h.Set(t, map[string]string{"boom": "panic"})
	eventually(t, "the panicking validator's rejection", func() bool {
		r := f.state(t, "boom").LastRejection
		return r != nil && r.New == "panic" && strings.Contains(r.Reason, "panic")
	})
	h.Set(t, map[string]string{"boom": "loud"})
	eventually(t, "the value whose notifier panics applied", func() bool { return f.boom.Get() == "loud" })
	f.boom.WaitNotified()
	if p := f.state(t, "boom").NotifierPanic; !strings.Contains(p, "on purpose") {
		t.Errorf("notifier panic not reported: %q", p)
	}
	h.Set(t, map[string]string{"rate": "33"})
	eventually(t, "the source still follows", func() bool { return f.rate.Get() == 33 })
	if st := s.Status(); st.State != record.StateServing {
		t.Errorf("state after the panics: %+v", st)
	}
}

// Initialize and Start refuse while running; two running sources of one
// flag set may not share a name.
func testLifecycleErrors(t *testing.T, h Harness) {
	f := newFlags(t)
	s := started(t, h, f)
	if err := s.Start(t.Context()); !errors.Is(err, source.ErrRunning) {
		t.Errorf("second Start = %v, want ErrRunning", err)
	}
	if _, err := s.Initialize(t.Context()); !errors.Is(err, source.ErrRunning) {
		t.Errorf("Initialize while running = %v, want ErrRunning", err)
	}
	twin := newSource(t, h, f)
	if _, err := twin.Initialize(t.Context()); !errors.Is(err, source.ErrNameInUse) {
		t.Errorf("Initialize of a second source with the same name = %v, want ErrNameInUse", err)
	}
	if err := twin.Start(t.Context()); !errors.Is(err, source.ErrNameInUse) {
		t.Errorf("Start of a second source with the same name = %v, want ErrNameInUse", err)
	}
	s.Stop()
	if _, err := twin.Initialize(t.Context()); err != nil {
		t.Errorf("Initialize of the second source once the first stopped = %v", err)
	}
}

// Stop returns while the origin is unreachable, can be called again, and
// leaves the source STOPPED; Start works after it.
func testStop(t *testing.T, h Harness) {
	f := newFlags(t)
	h.Set(t, map[string]string{"rate": "20"})
	s := started(t, h, f)
	h.Cut(t)
	eventually(t, "DEGRADED while cut off", func() bool { return s.Status().State == record.StateDegraded })
	within(t, "Stop during an outage", s.Stop)
	within(t, "a second Stop", s.Stop)
	if st := s.Status(); st.State != record.StateStopped {
		t.Errorf("state after Stop: %v", st.State)
	}
	h.Restore(t)
	h.Set(t, map[string]string{"rate": "21"})
	if err := s.Start(t.Context()); err != nil {
		t.Fatalf("Start after Stop: %v", err)
	}
	eventually(t, "following after a restart", func() bool { return f.rate.Get() == 21 })
}

// Run loads, follows, and returns nil once its context ends, stopped.
func testRun(t *testing.T, h Harness) {
	f := newFlags(t)
	h.Set(t, map[string]string{"rate": "20"})
	s := newSource(t, h, f)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	eventually(t, "loaded by Run", func() bool { return f.rate.Get() == 20 && s.Status().State == record.StateServing })
	h.Set(t, map[string]string{"rate": "22"})
	eventually(t, "followed by Run", func() bool { return f.rate.Get() == 22 })
	cancel()
	var err error
	within(t, "Run after its context ended", func() { err = <-done })
	if err != nil {
		t.Errorf("Run = %v", err)
	}
	if st := s.Status(); st.State != record.StateStopped {
		t.Errorf("state after Run: %v", st.State)
	}
}

// After Stop no goroutine the source started is left.
func testNoLeak(t *testing.T, h Harness) {
	f := newFlags(t)
	h.Set(t, map[string]string{"rate": "20"})
	before := goleak.IgnoreCurrent()
	s := started(t, h, f)
	h.Set(t, map[string]string{"rate": "21"})
	eventually(t, "followed", func() bool { return f.rate.Get() == 21 })
	s.Stop()
	f.rate.WaitNotified()
	if settler, ok := h.(Settler); ok {
		settler.Settle(t)
	}
	if err := goleak.Find(before); err != nil {
		t.Errorf("goroutines left after Stop: %v", err)
	}
}

package sourcetest

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/source"
)

// A Holder is a Harness whose origin can stop answering without refusing:
// requests are taken and never answered, as over a network that drops
// packets, which is when a listing waits. With one, the suite checks that
// Stop ends an Initialize waiting for the origin. An origin that never
// waits (a local file system) needs none.
type Holder interface {
	// Hold makes the origin hold every request of the sources, from now
	// until Release, which makes it answer again (the requests held are
	// dropped).
	Hold(t *testing.T)
	Release(t *testing.T)
}

// A source that never ran is STOPPED once Stop is called, and runs
// afterwards.
func testStopBeforeStart(t *testing.T, h Harness) {
	f := newFlags(t)
	h.Set(t, map[string]string{"rate": "20"})
	s := newSource(t, h, f)
	within(t, "Stop of a source that never ran", s.Stop)
	if st := s.Status(); st.State != record.StateStopped {
		t.Errorf("state after Stop before Initialize and Start: %v, want STOPPED", st.State)
	}
	initialize(t, s)
	if st := s.Status(); st.State != record.StateServing || f.rate.Get() != 20 {
		t.Errorf("after Initialize: %v, rate %d; want SERVING, 20", st.State, f.rate.Get())
	}
	within(t, "Stop of an initialized source", s.Stop)
	if st := s.Status(); st.State != record.StateStopped {
		t.Errorf("state after Stop before Start: %v, want STOPPED", st.State)
	}
	if err := s.Start(t.Context()); err != nil {
		t.Fatalf("Start after Stop: %v", err)
	}
	eventually(t, "SERVING after Start", func() bool { return s.Status().State == record.StateServing })
}

// Run returns nil when Stop is called from another goroutine, though its
// context goes on; the source is STOPPED.
func testRunStoppedElsewhere(t *testing.T, h Harness) {
	f := newFlags(t)
	h.Set(t, map[string]string{"rate": "20"})
	s := newSource(t, h, f)
	done := make(chan error, 1)
	go func() { done <- s.Run(t.Context()) }()
	eventually(t, "loaded by Run", func() bool { return f.rate.Get() == 20 && s.Status().State == record.StateServing })
	within(t, "Stop while Run runs", s.Stop)
	var err error
	within(t, "Run after Stop", func() { err = <-done })
	if err != nil {
		t.Errorf("Run stopped by Stop = %v, want nil", err)
	}
	if st := s.Status(); st.State != record.StateStopped {
		t.Errorf("state after Run: %v", st.State)
	}
}

// Stop during an Initialize waits for it and leaves the source STOPPED.
// With a Holder, the Initialize waits for an origin that does not answer:
// Stop ends it (ErrStopped), nothing is applied, and a later Initialize
// loads the origin once it answers. Without one, it waits for a validator
// the suite holds, and Stop waits for the load to end.
func testStopDuringInitialize(t *testing.T, h Harness) {
	if holder, ok := h.(Holder); ok {
		stopHeldInitialize(t, h, holder)
		return
	}
	f := newFlags(t)
	h.Set(t, map[string]string{"gate": "hold", "rate": "20"})
	s := newSource(t, h, f)
	initialized := make(chan error, 1)
	go func() {
		_, err := s.Initialize(t.Context())
		initialized <- err
	}()
	f.gate.entered(t)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		s.Stop()
	}()
	f.gate.release()
	var err error
	within(t, "Initialize held by a validator", func() { err = <-initialized })
	within(t, "Stop during Initialize", func() { <-stopped })
	if err != nil {
		t.Errorf("Initialize = %v", err)
	}
	if st := s.Status(); st.State != record.StateStopped {
		t.Errorf("state after Stop during Initialize: %v, want STOPPED", st.State)
	}
}

func stopHeldInitialize(t *testing.T, h Harness, holder Holder) {
	f := newFlags(t)
	h.Set(t, map[string]string{"rate": "20"})
	s := newSource(t, h, f)
	holder.Hold(t)
	released := false
	defer func() {
		if !released {
			holder.Release(t)
		}
	}()
	initialized := make(chan error, 1)
	go func() {
		_, err := s.Initialize(t.Context())
		initialized <- err
	}()
	eventually(t, "Initialize under way (its source registered)", func() bool {
		return slices.ContainsFunc(f.engine.Sources(), func(st record.SourceStatus) bool { return st.Name == sourceName })
	})
	within(t, "Stop during an Initialize the origin holds", s.Stop)
	var err error
	within(t, "Initialize ended by Stop", func() { err = <-initialized })
	if !errors.Is(err, source.ErrStopped) {
		t.Errorf("Initialize ended by Stop = %v, want source.ErrStopped", err)
	}
	if st := s.Status(); st.State != record.StateStopped || f.rate.Get() != rateDefault {
		t.Errorf("after Stop during Initialize: %v, rate %d; want STOPPED, %d", st.State, f.rate.Get(), rateDefault)
	}

	holder.Release(t)
	released = true
	initialize(t, s)
	if f.rate.Get() != 20 {
		t.Errorf("rate = %d after Initialize once the origin answers, want 20", f.rate.Get())
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	if err := s.Start(ctx); err != nil {
		t.Fatalf("Start: %v", err)
	}
	eventually(t, "SERVING after Start", func() bool { return s.Status().State == record.StateServing })
}

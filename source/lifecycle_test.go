package source

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/internal/wait"
	"github.com/flagz-go/flagz/record"
)

// timeout bounds every wait of these tests; it is no measure of speed.
const timeout = time.Minute

// heldOrigin is an origin whose listings wait, once held, until their
// context ends (an origin that does not answer), telling entered of each.
type heldOrigin struct {
	memOrigin
	held    chan struct{} // closed: listings wait
	entered chan struct{} // capacity 1
}

func newHeldOrigin(values map[string]string) *heldOrigin {
	return &heldOrigin{memOrigin: memOrigin{values: values}, held: make(chan struct{}), entered: make(chan struct{}, 1)}
}

func (o *heldOrigin) hold() { close(o.held) }

func (o *heldOrigin) List(ctx context.Context) (Snapshot, error) {
	select {
	case <-o.held:
		select {
		case o.entered <- struct{}{}:
		default:
		}
		<-ctx.Done()
		return Snapshot{}, context.Cause(ctx)
	default:
		return o.memOrigin.List(ctx)
	}
}

func newRuntime(t *testing.T, o Origin) (*Runtime, *flagz.DynInt64Value) {
	t.Helper()
	fs := newFlagSet(t)
	rate := flagz.DynInt64(fs, "rate", 10, "rate").WithValidator(flagz.ValidateDynInt64Range(1, 1000))
	r := mustNew(t, fs, o, Config{Name: "mem", Logger: slog.New(slog.DiscardHandler), MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond})
	t.Cleanup(r.Stop)
	return r, rate
}

// within runs fn and fails the test if it has not returned within timeout;
// then it calls release, which must make fn return, and waits for it.
func within(t *testing.T, what string, fn, release func()) {
	t.Helper()
	wait.Returns(t, timeout, what, fn, release)
}

func state(r *Runtime) record.State { return r.Status().State }

// Stop ends an Initialize that waits for its origin: it returns, the
// Initialize returns ErrStopped, nothing was applied, and the source is
// STOPPED. Initialize works again once the origin answers.
func TestStopEndsInitializeInFlight(t *testing.T) {
	o := newHeldOrigin(map[string]string{"rate": "20"})
	r, rate := newRuntime(t, o)
	o.hold()
	ctx, release := context.WithCancel(t.Context())
	defer release()
	initialized := make(chan error, 1)
	go func() {
		_, err := r.Initialize(ctx)
		initialized <- err
	}()
	<-o.entered
	within(t, "Stop during Initialize", r.Stop, release)
	if err := <-initialized; !errors.Is(err, ErrStopped) {
		t.Errorf("Initialize ended by Stop = %v, want ErrStopped", err)
	}
	if st := r.Status(); st.State != record.StateStopped || rate.Get() != 10 {
		t.Errorf("after Stop during Initialize: %v (%s), rate %d; want STOPPED, rate 10", st.State, st.Err, rate.Get())
	}

	o.held = make(chan struct{})
	if _, err := r.Initialize(t.Context()); err != nil || rate.Get() != 20 {
		t.Errorf("Initialize after Stop = %v, rate %d; want rate 20", err, rate.Get())
	}
}

// A source stopped before it ever ran says STOPPED, and runs afterwards.
func TestStopBeforeStartIsStopped(t *testing.T) {
	r, rate := newRuntime(t, &memOrigin{values: map[string]string{"rate": "20"}})
	r.Stop()
	if s := state(r); s != record.StateStopped {
		t.Errorf("state after Stop before Start = %v, want STOPPED", s)
	}
	if err := r.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	wait.Until(t, timeout, "serving after Start", func() bool { return state(r) == record.StateServing && rate.Get() == 20 })
	r.Stop()
	if s := state(r); s != record.StateStopped {
		t.Errorf("state after Stop = %v, want STOPPED", s)
	}
}

// Run returns nil when Stop is called from elsewhere, whether it was
// following or still initializing, and the source is STOPPED.
func TestRunReturnsWhenStopped(t *testing.T) {
	t.Run("following", func(t *testing.T) {
		r, rate := newRuntime(t, &memOrigin{values: map[string]string{"rate": "20"}})
		ran := make(chan error, 1)
		go func() { ran <- r.Run(context.Background()) }()
		wait.Until(t, timeout, "serving", func() bool { return state(r) == record.StateServing && rate.Get() == 20 })
		r.Stop()
		var err error
		within(t, "Run after Stop", func() { err = <-ran }, func() { t.FailNow() })
		if err != nil || state(r) != record.StateStopped {
			t.Errorf("Run = %v, state %v; want nil, STOPPED", err, state(r))
		}
	})
	t.Run("initializing", func(t *testing.T) {
		o := newHeldOrigin(nil)
		r, _ := newRuntime(t, o)
		o.hold()
		ctx, release := context.WithCancel(t.Context())
		defer release()
		ran := make(chan error, 1)
		go func() { ran <- r.Run(ctx) }()
		<-o.entered
		within(t, "Stop during Run's Initialize", r.Stop, release)
		var err error
		within(t, "Run after Stop", func() { err = <-ran }, release)
		if err != nil || state(r) != record.StateStopped {
			t.Errorf("Run = %v, state %v; want nil, STOPPED", err, state(r))
		}
	})
}

// Initialize, Start, Stop and Run called at once from many goroutines, in
// any order, leave a source that Stop stops, with no goroutine behind.
func TestConcurrentLifecycle(t *testing.T) {
	before := goleak.IgnoreCurrent()
	r, _ := newRuntime(t, &memOrigin{values: map[string]string{"rate": "20"}})
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			switch i % 4 {
			case 0:
				_, _ = r.Initialize(ctx)
			case 1:
				_ = r.Start(ctx)
			case 2:
				r.Stop()
			case 3:
				_ = r.Run(ctx)
			}
		})
	}
	cancel() // ends the Runs still waiting
	wg.Wait()
	r.Stop()
	if s := state(r); s != record.StateStopped {
		t.Errorf("state = %v, want STOPPED", s)
	}
	goleak.VerifyNone(t, before)
}

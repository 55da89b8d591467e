package source

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/pflag"
	"go.uber.org/goleak"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/internal/wait"
	"github.com/flagz-go/flagz/record"
)

// feedOrigin is a memOrigin whose Follow applies the updates fed to it.
type feedOrigin struct {
	memOrigin
	updates chan map[string]string
}

func (o *feedOrigin) Follow(ctx context.Context, _ int64, sink Sink) error {
	sink.Serving()
	for rev := int64(2); ; rev++ {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case u := <-o.updates:
			sink.Update(rev, u)
		}
	}
}

// gateFlag is a flag whose validator, given "hold", waits until released.
type gateFlag struct {
	value   *flagz.DynStringValue
	entered chan struct{}
	release chan struct{}
	once    sync.Once
}

func newGate(t *testing.T, fs *pflag.FlagSet) *gateFlag {
	g := &gateFlag{entered: make(chan struct{}, 1), release: make(chan struct{})}
	g.value = flagz.DynString(fs, "gate", "open", "").WithValidator(func(v string) error {
		if v == "hold" {
			g.entered <- struct{}{}
			<-g.release
		}
		return nil
	})
	t.Cleanup(g.open)
	return g
}

func (g *gateFlag) open() { g.once.Do(func() { close(g.release) }) }

// gateRuntime is a runtime over o whose flag set has rate and gate, and
// whose Stop waits for its goroutines 50 ms at most.
func gateRuntime(t *testing.T, o Origin) (*Runtime, *flagz.DynInt64Value, *gateFlag) {
	fs := newFlagSet(t)
	rate := flagz.DynInt64(fs, "rate", 10, "")
	g := newGate(t, fs)
	r := mustNew(t, fs, o, Config{Name: "mem", Logger: slog.New(slog.DiscardHandler),
		MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond, StopTimeout: 50 * time.Millisecond})
	t.Cleanup(r.Stop)
	return r, rate, g
}

// A batch waiting on a validator that blocks: the source says so (DEGRADED,
// what it waits on); Stop returns all the same, leaving the source STOPPED
// and saying what its goroutine waits on; Start and Initialize refuse until
// that goroutine exits. Once the validator returns, the batch applies, the
// source is STOPPED with no reason left, starts again, and no goroutine is
// left behind.
func TestStopReturnsWhileAValidatorBlocksABatch(t *testing.T) {
	before := goleak.IgnoreCurrent()
	o := &feedOrigin{memOrigin: memOrigin{values: map[string]string{"rate": "20"}}, updates: make(chan map[string]string)}
	r, rate, g := gateRuntime(t, o)
	if _, err := r.Initialize(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := r.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	wait.Until(t, timeout, "SERVING", func() bool { return state(r) == record.StateServing })
	o.updates <- map[string]string{"gate": "hold", "rate": "30"}
	<-g.entered
	wait.Until(t, timeout, "the wait reported", func() bool { return r.Status().Waiting != nil })
	if st := r.Status(); st.State != record.StateDegraded || st.Waiting.Flag != "gate" || st.Waiting.On != record.WaitChecks || st.Waiting.Revision != 2 {
		t.Errorf("while the validator blocks: %v (%q), waiting %+v; want DEGRADED, waiting on gate's checks at revision 2", st.State, st.Err, *st.Waiting)
	}

	within(t, "Stop while a validator blocks", r.Stop, g.open)
	within(t, "a second Stop", r.Stop, g.open)
	st := r.Status()
	if st.State != record.StateStopped || st.Waiting == nil || !strings.Contains(st.Err, "Stop returned after 50ms") || !strings.Contains(st.Err, `flag "gate"`) {
		t.Errorf("after Stop: %v (%q); want STOPPED, saying Stop returned and what the batch waits on", st.State, st.Err)
	}
	if err := r.Start(t.Context()); !errors.Is(err, ErrRunning) || !strings.Contains(err.Error(), `flag "gate"`) {
		t.Errorf("Start while the goroutine left behind waits = %v, want ErrRunning naming the wait", err)
	}
	if _, err := r.Initialize(t.Context()); !errors.Is(err, ErrRunning) {
		t.Errorf("Initialize while the goroutine left behind waits = %v, want ErrRunning", err)
	}

	g.open()
	wait.Until(t, timeout, "the goroutine left behind exits", func() bool {
		st := r.Status()
		return st.State == record.StateStopped && st.Err == "" && st.Waiting == nil
	})
	if g.value.Get() != "hold" || rate.Get() != 30 {
		t.Errorf("gate %q, rate %d; want the batch that waited applied", g.value.Get(), rate.Get())
	}
	wait.Until(t, timeout, "Start once the goroutine left behind has exited", func() bool { return r.Start(t.Context()) == nil })
	wait.Until(t, timeout, "SERVING again, reconciled", func() bool {
		return state(r) == record.StateServing && rate.Get() == 20 && g.value.Get() == "open"
	})
	r.Stop()
	if st := r.Status(); st.State != record.StateStopped || st.Err != "" {
		t.Errorf("after the last Stop: %v (%q)", st.State, st.Err)
	}
	goleak.VerifyNone(t, before)
}

// An Initialize whose load waits on a validator: Stop returns all the same,
// the source STOPPED; once the validator returns, the Initialize returns
// its report, the source stays STOPPED (a Stop came), and it starts again.
func TestStopReturnsWhileAValidatorBlocksInitialize(t *testing.T) {
	before := goleak.IgnoreCurrent()
	r, rate, g := gateRuntime(t, &memOrigin{values: map[string]string{"gate": "hold", "rate": "20"}})
	type result struct {
		report flagz.Report
		err    error
	}
	initialized := make(chan result, 1)
	go func() {
		report, err := r.Initialize(context.Background())
		initialized <- result{report, err}
	}()
	<-g.entered
	within(t, "Stop while Initialize's validator blocks", r.Stop, g.open)
	if st := r.Status(); st.State != record.StateStopped || !strings.Contains(st.Err, "Stop returned") {
		t.Errorf("after Stop: %v (%q), want STOPPED saying Stop returned", st.State, st.Err)
	}
	g.open()
	res := <-initialized
	if res.err != nil || res.report.Count(record.Applied) != 2 {
		t.Errorf("Initialize = %v, %v; want both names applied", res.report, res.err)
	}
	if st := r.Status(); st.State != record.StateStopped || st.Err != "" || st.Waiting != nil {
		t.Errorf("once Initialize returned: %v (%q); want STOPPED", st.State, st.Err)
	}
	if err := r.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	wait.Until(t, timeout, "SERVING after Start", func() bool { return state(r) == record.StateServing && rate.Get() == 20 })
	r.Stop()
	goleak.VerifyNone(t, before)
}

package sourcetest

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/internal/wait"
	"github.com/flagz-go/flagz/record"
)

// The flags every test declares.
const (
	rateDefault  = 10
	nameDefault  = "default-name"
	limitDefault = 5
	portDefault  = ":8080"
	sourceName   = "conformance"
)

// flags is the flag set of one test and what its notifiers saw.
type flags struct {
	fs     *pflag.FlagSet
	engine *flagz.Engine
	rate   *flagz.DynInt64Value  // 1..1,000,000
	name   *flagz.DynStringValue // any text
	limit  *flagz.DynInt64Value  // any int64
	boom   *flagz.DynStringValue // "panic" panics its validator; any change panics its notifier
	gate   *gate                 // "hold" holds its validator until released
	listen *string               // static

	mu    sync.Mutex
	rates [][2]int64 // (old, new) of every notification of rate
}

func newFlags(t *testing.T) *flags {
	f := &flags{fs: pflag.NewFlagSet(t.Name(), pflag.ContinueOnError)}
	f.rate = flagz.DynInt64(f.fs, "rate", rateDefault, "requests per second").
		WithValidator(flagz.ValidateDynInt64Range(1, 1_000_000)).
		WithNotifier(func(old, new int64) {
			f.mu.Lock()
			f.rates = append(f.rates, [2]int64{old, new})
			f.mu.Unlock()
		})
	f.name = flagz.DynString(f.fs, "name", nameDefault, "a name")
	f.limit = flagz.DynInt64(f.fs, "limit", limitDefault, "a limit")
	f.boom = flagz.DynString(f.fs, "boom", "quiet", "panics").
		WithValidator(func(v string) error {
			if v == "panic" {
				panic("validator panicked on purpose")
			}
			return nil
		}).
		WithNotifier(func(_, _ string) { panic("notifier panicked on purpose") })
	f.gate = newGate(f.fs)
	t.Cleanup(f.gate.release)
	f.listen = f.fs.String("listen", portDefault, "static listen address")
	f.engine = flagz.EngineFor(f.fs)
	t.Cleanup(f.rate.WaitNotified)
	t.Cleanup(f.boom.WaitNotified)
	return f
}

// gate is a flag whose validator, given "hold", waits until released:
// it holds the load that applies it.
type gate struct {
	value    *flagz.DynStringValue
	held     chan struct{} // capacity 1: a validation waits
	released chan struct{}
	once     sync.Once
}

func newGate(fs *pflag.FlagSet) *gate {
	g := &gate{held: make(chan struct{}, 1), released: make(chan struct{})}
	g.value = flagz.DynString(fs, "gate", "open", "holds its validator").WithValidator(func(v string) error {
		if v == "hold" {
			select {
			case g.held <- struct{}{}:
			default:
			}
			<-g.released
		}
		return nil
	})
	return g
}

// entered waits until a validation is held.
func (g *gate) entered(t *testing.T) {
	t.Helper()
	select {
	case <-g.held:
	case <-time.After(Timeout):
		t.Fatalf("no validation of gate held within %v", Timeout)
	}
}

// release lets every validation through, now and later.
func (g *gate) release() { g.once.Do(func() { close(g.released) }) }

// rateNotes returns every (old, new) rate was notified of so far.
func (f *flags) rateNotes() [][2]int64 {
	f.rate.WaitNotified()
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.rates)
}

func (f *flags) state(t *testing.T, name string) flagz.FlagState {
	t.Helper()
	st, ok := f.engine.Flag(name)
	if !ok {
		t.Fatalf("no flag %q", name)
	}
	return st
}

// newSource makes the harness's source for f.
func newSource(t *testing.T, h Harness, f *flags) Source {
	t.Helper()
	s := h.NewSource(t, f.fs, sourceName)
	t.Cleanup(s.Stop)
	return s
}

// initialize calls Initialize and fails the test on an error.
func initialize(t *testing.T, s Source) flagz.Report {
	t.Helper()
	report, err := s.Initialize(t.Context())
	if err != nil {
		t.Fatalf("Initialize: %v", err)
	}
	return report
}

// started makes, initializes and starts the harness's source.
func started(t *testing.T, h Harness, f *flags) Source {
	t.Helper()
	s := newSource(t, h, f)
	initialize(t, s)
	if err := s.Start(t.Context()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	eventually(t, "SERVING after Start", func() bool { return s.Status().State == record.StateServing })
	return s
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	wait.Until(t, Timeout, what, cond)
}

// within runs fn and fails the test if it has not returned within Timeout.
func within(t *testing.T, what string, fn func()) {
	t.Helper()
	wait.Returns(t, Timeout, what, fn, nil)
}

func outcome(t *testing.T, report flagz.Report, name string, want record.Result) flagz.Outcome {
	t.Helper()
	o, ok := report.Outcome(name)
	if !ok {
		t.Fatalf("report has no outcome for %q: %v", name, report)
	}
	if o.Result != want {
		t.Errorf("%s: result %v (%v), want %v", name, o.Result, o.Err, want)
	}
	return o
}

func isValueError(err error, flag string) bool {
	var ve *flagz.ValueError
	return errors.As(err, &ve) && ve.Flag == flag
}

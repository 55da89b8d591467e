package flagz

import (
	"flag"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flagz-go/flagz/internal/wait"
	"github.com/flagz-go/flagz/record"
)

// shortWaits makes the sources this test makes report a wait after d.
func shortWaits(t *testing.T, d time.Duration) {
	old := waitReportAfter
	waitReportAfter = d
	t.Cleanup(func() { waitReportAfter = old })
}

// holder is a validator that waits, given "hold", until released.
type holder struct {
	entered chan struct{}
	release chan struct{}
	once    sync.Once
}

func newHolder(t *testing.T) *holder {
	h := &holder{entered: make(chan struct{}, 10), release: make(chan struct{})}
	t.Cleanup(h.open)
	return h
}

func (h *holder) validate(v string) error {
	if v == "hold" {
		h.entered <- struct{}{}
		<-h.release
	}
	return nil
}

func (h *holder) open() { h.once.Do(func() { close(h.release) }) }

// A batch that waits on a validator makes its SERVING source DEGRADED,
// saying which flag it waits on and since when; a batch of another source
// waiting for that flag says it waits on another change of it; once the
// validator returns, both batches apply, the sources serve again and the
// history keeps the episode. Values stay readable meanwhile.
func TestBatchWaitingOnAValidatorIsReported(t *testing.T) {
	shortWaits(t, 10*time.Millisecond)
	fs := newFlagSet(t)
	h := newHolder(t)
	gate := DynString(fs, "gate", "open", "").WithValidator(h.validate)
	rate := DynInt64(fs, "rate", 1, "")
	e := EngineFor(fs)
	quiet := slog.New(slog.DiscardHandler)
	a, b := e.Source("a", quiet), e.Source("b", quiet)
	a.SetState(record.StateServing, nil)
	b.SetState(record.StateServing, nil)
	var mu sync.Mutex
	var states []record.State
	defer e.Subscribe(func(ev Event) {
		if ev.State != nil && ev.State.Name == "a" {
			mu.Lock()
			states = append(states, ev.State.State)
			mu.Unlock()
		}
	})()

	var done sync.WaitGroup
	done.Go(func() { a.Update(7, map[string]string{"gate": "hold", "rate": "5"}) })
	<-h.entered
	done.Go(func() { b.Update(3, map[string]string{"gate": "from b"}) })
	wait.Until(t, time.Minute, "source a reports its wait", func() bool { return a.Status().Waiting != nil })
	wait.Until(t, time.Minute, "source b reports its wait", func() bool { return b.Status().Waiting != nil })

	st := a.Status()
	if w := *st.Waiting; w.Flag != "gate" || w.On != record.WaitChecks || w.Revision != 7 || w.Since.IsZero() {
		t.Errorf("a waits on %+v, want the checks of gate at revision 7", w)
	}
	if st.State != record.StateDegraded || !strings.Contains(st.Err, `the parser and validators of flag "gate"`) {
		t.Errorf("a: %v (%q), want DEGRADED saying it waits on gate's validators", st.State, st.Err)
	}
	if w := *b.Status().Waiting; w.Flag != "gate" || w.On != record.WaitFlag || w.Revision != 3 {
		t.Errorf("b waits on %+v, want another change of gate at revision 3", w)
	}
	if gate.Get() != "open" || rate.Get() != 1 {
		t.Errorf("gate %q, rate %d while the batch waits; want the values before it", gate.Get(), rate.Get())
	}

	h.open()
	done.Wait()
	for _, s := range []*Source{a, b} {
		if st := s.Status(); st.State != record.StateServing || st.Err != "" || st.Waiting != nil {
			t.Errorf("%s once the validator returned: %v (%q), waiting %v; want SERVING, no reason", s.Name(), st.State, st.Err, st.Waiting)
		}
	}
	if gate.Get() != "from b" || rate.Get() != 5 {
		t.Errorf("gate %q, rate %d; want both batches applied, b's last", gate.Get(), rate.Get())
	}
	hist := a.Status().History
	if n := len(hist); n < 3 || hist[n-2].State != record.StateDegraded || !strings.Contains(hist[n-2].Err, "gate") {
		t.Errorf("a's history %+v, want DEGRADED waiting on gate before SERVING", hist)
	}
	e.subscribers()[0].wait()
	mu.Lock()
	defer mu.Unlock()
	if want := []record.State{record.StateDegraded, record.StateServing}; !slices.Equal(states, want) {
		t.Errorf("a's state events %v, want %v", states, want)
	}
}

// blockingValue is a flag.Value flagz did not declare whose Set of "hold"
// waits until released.
type blockingValue struct {
	h *holder
	v string
}

func (b *blockingValue) String() string     { return b.v }
func (b *blockingValue) Set(s string) error { _ = b.h.validate(s); b.v = s; return nil }

// A batch waiting on the Set of a flag.Value flagz did not declare says so;
// a source that is not SERVING keeps its state and its reason, the wait
// added to it.
func TestBatchWaitingOnAFlagValueSetIsReported(t *testing.T) {
	shortWaits(t, 10*time.Millisecond)
	fs := flag.NewFlagSet(t.Name(), flag.ContinueOnError)
	h := newHolder(t)
	fs.Var(&blockingValue{h: h}, "plain", "")
	e := EngineFor(fs)
	src := e.Source("file", slog.New(slog.DiscardHandler))
	src.SetState(record.StateDegraded, errString("cut off"))
	done := make(chan struct{})
	go func() {
		defer close(done)
		src.Load(1, map[string]string{"plain": "hold"})
	}()
	<-h.entered
	wait.Until(t, time.Minute, "the wait reported", func() bool { return src.Status().Waiting != nil })
	st := src.Status()
	if st.Waiting.On != record.WaitSet || st.Waiting.Flag != "plain" {
		t.Errorf("waits on %+v, want the Set of plain", *st.Waiting)
	}
	if st.State != record.StateDegraded || !strings.HasPrefix(st.Err, "cut off; ") || !strings.Contains(st.Err, `the flag.Value's Set of flag "plain"`) {
		t.Errorf("%v (%q), want DEGRADED, its reason then the wait", st.State, st.Err)
	}
	h.open()
	<-done
	if st := src.Status(); st.State != record.StateDegraded || st.Err != "cut off" || st.Waiting != nil {
		t.Errorf("after the wait: %v (%q), waiting %v; want DEGRADED (cut off)", st.State, st.Err, st.Waiting)
	}
}

type errString string

func (e errString) Error() string { return string(e) }

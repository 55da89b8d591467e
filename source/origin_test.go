package source

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/internal/wait"
	"github.com/flagz-go/flagz/record"
)

// pushOrigin is an origin whose Follow hands the test its sink, and which
// observes the batches and runs a background task.
type pushOrigin struct {
	memOrigin
	sinks chan Sink

	mu      sync.Mutex
	batches []batchSeen
	running int // RunBackground calls running now
	runs    int // RunBackground calls so far
}

type batchSeen struct {
	rev    int64
	report flagz.Report
}

func (o *pushOrigin) Follow(ctx context.Context, _ int64, sink Sink) error {
	sink.Serving()
	select {
	case o.sinks <- sink:
	case <-ctx.Done():
	}
	<-ctx.Done()
	return ctx.Err()
}

func (o *pushOrigin) Applied(rev int64, report flagz.Report) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.batches = append(o.batches, batchSeen{rev, report})
}

func (o *pushOrigin) RunBackground(ctx context.Context) {
	o.mu.Lock()
	o.running++
	o.runs++
	o.mu.Unlock()
	<-ctx.Done()
	o.mu.Lock()
	o.running--
	o.mu.Unlock()
}

func (o *pushOrigin) seen() []batchSeen {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]batchSeen(nil), o.batches...)
}

// An Observer origin is handed each batch's report with its revision,
// from the call that applied it: the initial load, each Update and Remove,
// each listing after start-up.
func TestObserverIsGivenEachBatch(t *testing.T) {
	o := &pushOrigin{memOrigin: memOrigin{values: map[string]string{"rate": "20"}}, sinks: make(chan Sink)}
	r, _ := newRuntime(t, o)
	report, err := r.Initialize(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	sink := <-o.sinks
	sink.Update(2, map[string]string{"rate": "0"}) // refused
	sink.Remove(3, "rate")
	sink.Replace(Snapshot{Revision: 4, Values: map[string]string{"rate": "40"}})
	want := []struct {
		rev    int64
		result record.Result
	}{{1, record.Applied}, {2, record.Rejected}, {3, record.Applied}, {4, record.Applied}}
	seen := o.seen()
	if len(seen) != len(want) {
		t.Fatalf("observed %d batches, want %d: %+v", len(seen), len(want), seen)
	}
	for i, w := range want {
		out, ok := seen[i].report.Outcome("rate")
		if seen[i].rev != w.rev || !ok || out.Result != w.result {
			t.Errorf("batch %d: revision %d, rate %v; want revision %d, %v", i, seen[i].rev, out.Result, w.rev, w.result)
		}
	}
	if &seen[0].report[0] != &report[0] {
		t.Error("the initial load observed is not the report Initialize returned")
	}
}

// A BackgroundRunner origin's task runs while the source is started: once
// however often Start is called, ended before Stop returns, and again
// after the next Start.
func TestBackgroundRunsWhileStarted(t *testing.T) {
	o := &pushOrigin{memOrigin: memOrigin{values: map[string]string{}}, sinks: make(chan Sink, 8)}
	r, _ := newRuntime(t, o)
	running := func() (now, total int) {
		o.mu.Lock()
		defer o.mu.Unlock()
		return o.running, o.runs
	}
	for round := 1; round <= 2; round++ {
		if err := r.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		if err := r.Start(t.Context()); !errors.Is(err, ErrRunning) {
			t.Fatalf("second Start = %v, want ErrRunning", err)
		}
		wait.Until(t, timeout, "the background task running", func() bool { now, _ := running(); return now == 1 })
		r.Stop()
		if now, total := running(); now != 0 || total != round {
			t.Fatalf("after Stop %d: %d running, %d runs; want 0 and %d", round, now, total, round)
		}
	}
}

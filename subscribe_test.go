package flagz

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/flagz-go/flagz/internal/wait"
	"github.com/flagz-go/flagz/record"
)

// Subscribers get one event per batch, with what changed, and one per
// state change, in order; a slow or panicking subscriber holds up nobody.
func TestSubscribeDeliversBatchesAndStatesInOrder(t *testing.T) {
	f := newEngineFixture(t)
	var mu sync.Mutex
	var got []Event
	unsubscribe := f.e.Subscribe(func(ev Event) {
		mu.Lock()
		got = append(got, ev)
		mu.Unlock()
	})
	slow := make(chan struct{})
	unsubscribeSlow := f.e.Subscribe(func(Event) { <-slow })
	f.e.Subscribe(func(Event) { panic("a subscriber panicked on purpose") })

	f.src.Load(1, map[string]string{"rate": "20", "mode": "fast"})
	f.src.SetState(record.StateServing, nil)
	f.src.SetState(record.StateServing, nil) // no change: no event
	f.src.Update(2, map[string]string{"rate": "nope"})
	f.src.SetState(record.StateDegraded, errors.New("cut off"))
	close(slow) // the slow subscriber delayed nothing above

	var events []Event
	wait.Until(t, 10*time.Second, "four events", func() bool {
		mu.Lock()
		defer mu.Unlock()
		events = slices.Clone(got)
		return len(events) >= 4
	})
	if len(events) != 4 {
		t.Fatalf("%d events, want 4: %+v", len(events), events)
	}
	if ev := events[0]; ev.Revision != 1 || !slices.Equal(ev.Changed(), []string{"mode", "rate"}) || ev.State != nil {
		t.Errorf("first event %+v, changed %v", ev, ev.Changed())
	}
	if ev := events[1]; ev.State == nil || ev.State.State != record.StateServing || ev.Report != nil {
		t.Errorf("second event %+v, want the state SERVING", ev)
	}
	if ev := events[2]; ev.Revision != 2 || len(ev.Changed()) != 0 || ev.Report.Count(record.Rejected) != 1 {
		t.Errorf("third event %+v, want a batch with one rejection", ev)
	}
	if ev := events[3]; ev.State == nil || ev.State.State != record.StateDegraded || ev.State.Err != "cut off" {
		t.Errorf("fourth event %+v, want DEGRADED with the reason", ev)
	}
	unsubscribe()
	unsubscribeSlow()
	f.src.Update(3, map[string]string{"rate": "30"})
	f.rate.WaitNotified()
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 4 {
		t.Errorf("an event after unsubscribing: %+v", got[4:])
	}
}

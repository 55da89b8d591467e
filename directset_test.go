package flagz

import (
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/flagz-go/flagz/internal/wait"
	"github.com/flagz-go/flagz/record"
)

// eventLog collects the events of one subscription.
type eventLog struct {
	mu     sync.Mutex
	events []Event
}

func subscribeLog(t *testing.T, e *Engine) *eventLog {
	l := &eventLog{}
	t.Cleanup(e.Subscribe(func(ev Event) {
		l.mu.Lock()
		l.events = append(l.events, ev)
		l.mu.Unlock()
	}))
	return l
}

// waitFor waits until n events arrived and returns them.
func (l *eventLog) waitFor(t *testing.T, n int) []Event {
	t.Helper()
	var got []Event
	wait.Until(t, 10*time.Second, fmt.Sprintf("%d events", n), func() bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		got = slices.Clone(l.events)
		return len(got) >= n
	})
	return got
}

// A change made by calling Set directly, on the value or through the flag
// set, is an event as a batch is: source DirectSet, revision 0, one Applied
// outcome with the old and new text (redacted for a sensitive flag). A Set
// that changes nothing or is refused makes none. Events come in the order
// of the changes, batches and direct Sets alike.
func TestDirectSetIsAnEvent(t *testing.T) {
	fs := newFlagSet(t)
	rate := DynInt64(fs, "rate", 10, "").WithValidator(ValidateDynInt64Range(1, 100))
	token := DynString(fs, "token", "", "").WithSensitive()
	e := EngineFor(fs)
	src := e.Source("test", slog.New(slog.DiscardHandler))
	l := subscribeLog(t, e)

	src.Update(1, map[string]string{"rate": "20"})
	if err := rate.Set("25"); err != nil {
		t.Fatal(err)
	}
	if err := rate.Set("25"); err != nil { // no change: no event
		t.Fatal(err)
	}
	if err := rate.Set("1000"); err == nil { // refused: no event
		t.Fatal("Set(1000) passed the range validator")
	}
	if err := fs.Set("rate", "30"); err != nil { // through the flag set, as Parse does
		t.Fatal(err)
	}
	if err := token.Set(secret); err != nil {
		t.Fatal(err)
	}
	src.Update(2, map[string]string{"rate": "40"})

	got := l.waitFor(t, 5)
	type summary struct {
		Source   string
		Revision int64
		Outcome  Outcome
	}
	var sums []summary
	for _, ev := range got {
		if len(ev.Report) != 1 || ev.State != nil || ev.Time.IsZero() {
			t.Fatalf("event %+v, want one outcome", ev)
		}
		o := ev.Report[0]
		o.Err = nil
		sums = append(sums, summary{ev.Source, ev.Revision, o})
	}
	want := []summary{
		{"test", 1, Outcome{Flag: "rate", Result: record.Applied, Value: "20", Old: "10", New: "20"}},
		{DirectSet, 0, Outcome{Flag: "rate", Result: record.Applied, Value: "25", Old: "20", New: "25"}},
		{DirectSet, 0, Outcome{Flag: "rate", Result: record.Applied, Value: "30", Old: "25", New: "30"}},
		{DirectSet, 0, Outcome{Flag: "token", Result: record.Applied, Value: Redacted, Old: Redacted, New: Redacted}},
		{"test", 2, Outcome{Flag: "rate", Result: record.Applied, Value: "40", Old: "30", New: "40"}},
	}
	if !slices.EqualFunc(sums, want, func(a, b summary) bool { return fmt.Sprint(a) == fmt.Sprint(b) }) {
		t.Errorf("events\n%+v\nwant\n%+v", sums, want)
	}
	if got := got[1].Changed(); !slices.Equal(got, []string{"rate"}) {
		t.Errorf("a direct Set's event: Changed() = %v, want [rate]", got)
	}
}

// Direct Sets of one flag from many goroutines reach a subscriber in the
// order they took effect: each event's old value is the previous one's
// new value, and the last one's new value is the flag's.
func TestDirectSetEventsInTheOrderOfTheChanges(t *testing.T) {
	fs := newFlagSet(t)
	n := DynInt64(fs, "n", 0, "")
	l := subscribeLog(t, EngineFor(fs))
	const goroutines, sets = 4, 250
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range sets {
				if err := n.Set(strconv.Itoa((g+1)*1000 + i)); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	got := l.waitFor(t, goroutines*sets) // every Set changes the value: all are distinct
	if len(got) != goroutines*sets {
		t.Fatalf("%d events, want %d", len(got), goroutines*sets)
	}
	prev := "0"
	for i, ev := range got {
		o := ev.Report[0]
		if o.Old != prev {
			t.Fatalf("event %d: %s -> %s, but the value before was %s: out of order", i, o.Old, o.New, prev)
		}
		prev = o.New
	}
	if want := strconv.FormatInt(n.Get(), 10); prev != want {
		t.Errorf("the last event set %s, the flag holds %s", prev, want)
	}
}

package flagz

import (
	"errors"
	"log/slog"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/flagz-go/flagz/record"
)

// A subscriber that does not return holds a bounded amount of memory
// however many changes happen meanwhile: the events waiting for it are
// merged into one. Once it returns it gets that event, which accounts for
// every event it stands for (Merged) and names each flag they changed once,
// from the value the subscriber last heard of to the newest.
func TestBlockedSubscriberHoldsBoundedEvents(t *testing.T) {
	fs := newFlagSet(t)
	DynInt64(fs, "n", 0, "")
	DynString(fs, "mode", "a", "").WithValidator(func(v string) error {
		if v == "bad" {
			return errors.New("bad mode")
		}
		return nil
	})
	e := EngineFor(fs)
	src := e.Source("test", slog.New(slog.DiscardHandler))
	release := make(chan struct{})
	started := make(chan struct{})
	var (
		mu  sync.Mutex
		got []Event
	)
	unsubscribe := e.Subscribe(func(ev Event) {
		mu.Lock()
		got = append(got, ev)
		first := len(got) == 1
		mu.Unlock()
		if first {
			close(started)
			<-release
		}
	})
	defer unsubscribe()
	src.Update(1, map[string]string{"n": "1"})
	<-started // the subscriber now blocks on the first event

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	const changes = 100000
	for i := 2; i <= changes; i++ {
		values := map[string]string{"n": strconv.Itoa(i)}
		switch i {
		case changes / 2:
			values["mode"] = "b"
			values["nosuch"] = "x"
			src.SetState(record.StateDegraded, errors.New("cut off")) // one more event
		case changes/2 + 1:
			values["mode"] = "bad"
		}
		src.Update(int64(i), values)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	grew := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	if grew > 4<<20 {
		t.Errorf("the heap grew by %d bytes while a subscriber blocked through %d changes, want at most 4 MiB", grew, changes)
	}
	t.Logf("the heap grew by %d bytes while a subscriber blocked through %d changes", grew, changes)

	close(release)
	e.subscribers()[0].wait()
	mu.Lock()
	defer mu.Unlock()
	total, last := 0, "0"
	for i, ev := range got {
		total += max(ev.Merged, 1)
		o, ok := ev.Report.Outcome("n")
		if !ok || o.Result != record.Applied || o.Old != last {
			t.Fatalf("event %d (merged %d): n %+v, want a change from %s", i, ev.Merged, o, last)
		}
		last = o.New
		if _, ok := ev.Report.Outcome("nosuch"); ok {
			t.Errorf("event %d (merged %d) names a flag nobody declared", i, ev.Merged)
		}
	}
	if want := changes + 1; total != want { // every Update and the state change
		t.Errorf("the events delivered stand for %d events, want %d", total, want)
	}
	if last != strconv.Itoa(changes) {
		t.Errorf("the last event leaves n at %s, want %d", last, changes)
	}
	m := got[len(got)-1]
	if len(got) != 2 || m.Merged == 0 {
		t.Fatalf("got %d events, the last merging %d; want the first, then one merged event", len(got), m.Merged)
	}
	if m.Source != "test" || m.Revision != changes || m.State != nil {
		t.Errorf("merged event from %q at revision %d, state %v; want the source, its last revision, no state", m.Source, m.Revision, m.State)
	}
	if o, _ := m.Report.Outcome("mode"); o.Result != record.Applied || o.Old != "a" || o.New != "b" {
		t.Errorf("merged event: mode %+v, want applied from a to b (its refusal after does not hide the change)", o)
	}
}

// Events from several sources merge into one with no source or revision;
// a flag changed and changed back is still named, from its value before to
// its value after; a removal keeps Removed; a flag only refused keeps its
// last refusal.
func TestMergedEventOfSeveralSources(t *testing.T) {
	applied := func(flag, old, new string) Outcome {
		return Outcome{Flag: flag, Result: record.Applied, Value: new, Old: old, New: new}
	}
	refused := Outcome{Flag: "b", Result: record.Rejected, Value: "x", Err: errors.New("no")}
	evs := []Event{
		{Source: "etcd", Revision: 7, Report: Report{applied("a", "1", "2"), refused}},
		{Source: "etcd", State: &record.SourceStatus{Name: "etcd", State: record.StateDegraded}},
		{Source: DirectSet, Report: Report{applied("a", "2", "1"), {Flag: "zz", Result: record.Unknown}}},
		{Source: "file", Revision: 3, Report: Report{{Flag: "c", Result: record.Applied, Value: "d", Old: "5", New: "d", Removed: true},
			{Flag: "b", Result: record.Rejected, Value: "y", Err: errors.New("still no")}}},
	}
	m := evs[0]
	for _, ev := range evs[1:] {
		m = mergeEvents(m, ev)
	}
	// Merging what was merged (a queue's batch merged with what waits behind
	// it) gives the same account.
	m2 := mergeEvents(mergeEvents(evs[0], evs[1]), mergeEvents(evs[2], evs[3]))
	for _, ev := range []Event{m.merged.event(), m2.merged.event()} {
		if ev.Merged != 4 || ev.Source != "" || ev.Revision != 0 || ev.State != nil {
			t.Errorf("merged %d, source %q, revision %d, state %v; want 4, none, 0, nil", ev.Merged, ev.Source, ev.Revision, ev.State)
		}
		want := Report{applied("a", "1", "1"), {Flag: "b", Result: record.Rejected, Value: "y"},
			{Flag: "c", Result: record.Applied, Value: "d", Old: "5", New: "d", Removed: true}}
		if len(ev.Report) != len(want) {
			t.Fatalf("report %v, want %v", ev.Report, want)
		}
		for i, o := range ev.Report {
			w := want[i]
			if o.Flag != w.Flag || o.Result != w.Result || o.Value != w.Value || o.Old != w.Old || o.New != w.New || o.Removed != w.Removed {
				t.Errorf("outcome %d: %+v, want %+v", i, o, w)
			}
		}
		if !slices.Equal(ev.Changed(), []string{"a", "c"}) {
			t.Errorf("Changed() = %v, want [a c]", ev.Changed())
		}
	}
}

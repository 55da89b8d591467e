package flagz

import (
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestNotifierOrderUnderRapidSets(t *testing.T) {
	fs := newFlagSet(t)
	d := DynInt64(fs, "n", 0, "")
	const sets = 10000
	var (
		mu      sync.Mutex
		seen    []int64
		running atomic.Int32
		overlap atomic.Bool
	)
	d.WithNotifier(func(old, new int64) {
		if running.Add(1) > 1 {
			overlap.Store(true)
		}
		defer running.Add(-1)
		if new != old+1 {
			t.Errorf("notified (%d, %d): not consecutive", old, new)
		}
		mu.Lock()
		seen = append(seen, new)
		mu.Unlock()
	})
	for i := int64(1); i <= sets; i++ {
		if err := d.Set(strconv.FormatInt(i, 10)); err != nil {
			t.Fatal(err)
		}
		if i%100 == 0 { // a no-op set in between must notify nobody
			if err := d.Set(strconv.FormatInt(i, 10)); err != nil {
				t.Fatal(err)
			}
		}
	}
	d.WaitNotified()
	if len(seen) != sets {
		t.Fatalf("got %d notifications, want %d", len(seen), sets)
	}
	for i, v := range seen {
		if v != int64(i+1) {
			t.Fatalf("notification %d carried %d: out of order", i, v)
		}
	}
	if overlap.Load() {
		t.Error("notifiers of one flag ran concurrently")
	}
}

func TestNotifiersRunInOrderOfRegistration(t *testing.T) {
	fs := newFlagSet(t)
	var order []string
	d := DynString(fs, "s", "", "").
		WithNotifier(func(_, _ string) { order = append(order, "first") }).
		WithNotifier(func(_, _ string) { order = append(order, "second") })
	if err := d.Set("x"); err != nil {
		t.Fatal(err)
	}
	d.WaitNotified()
	if len(order) != 2 || order[0] != "first" || order[1] != "second" {
		t.Errorf("order = %v", order)
	}
}

func TestPanickingNotifierDoesNotBreakTheFlag(t *testing.T) {
	fs := newFlagSet(t)
	var calls atomic.Int32
	d := DynInt64(fs, "p", 0, "").
		WithNotifier(func(_, new int64) {
			if new == 1 {
				panic("boom")
			}
		}).
		WithNotifier(func(_, _ int64) { calls.Add(1) })
	if err := d.Set("1"); err != nil {
		t.Fatal(err)
	}
	if err := d.Set("2"); err != nil {
		t.Fatal(err)
	}
	d.WaitNotified()
	if d.Get() != 2 {
		t.Errorf("Get() = %d after a notifier panicked", d.Get())
	}
	if calls.Load() != 2 {
		t.Errorf("the other notifier ran %d times, want 2", calls.Load())
	}
	st, _ := EngineFor(fs).Flag("p")
	if st.NotifierPanic == "" {
		t.Error("the panic was not reported on the flag's state")
	}
}

func TestSlowNotifierDoesNotStallOtherFlags(t *testing.T) {
	fs := newFlagSet(t)
	release := make(chan struct{})
	slow := DynInt64(fs, "slow", 0, "").WithNotifier(func(_, _ int64) { <-release })
	fastSeen := make(chan int64, 1)
	fast := DynInt64(fs, "fast", 0, "").WithNotifier(func(_, n int64) { fastSeen <- n })

	if err := slow.Set("1"); err != nil { // its notifier now blocks
		t.Fatal(err)
	}
	if err := slow.Set("2"); err != nil { // Set itself must not block
		t.Fatal(err)
	}
	if err := fast.Set("7"); err != nil {
		t.Fatal(err)
	}
	select {
	case n := <-fastSeen:
		if n != 7 {
			t.Errorf("fast notifier got %d", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a blocked notifier of another flag stalled this one")
	}
	close(release)
	slow.WaitNotified()
}

package flagz

import (
	"strconv"
	"sync"
	"testing"
)

// A notifier that does not return holds one change, not every change made
// meanwhile; the flag's state says its notifiers are behind; once it
// returns it gets (the value it last saw, the newest value), and never an
// older value after a newer one.
func TestBlockedNotifierHoldsBoundedChanges(t *testing.T) {
	fs := newFlagSet(t)
	release := make(chan struct{})
	started := make(chan struct{})
	var (
		mu   sync.Mutex
		seen [][2]int64
	)
	d := DynInt64(fs, "n", 0, "").WithNotifier(func(old, new int64) {
		mu.Lock()
		seen = append(seen, [2]int64{old, new})
		first := len(seen) == 1
		mu.Unlock()
		if first {
			close(started)
			<-release
		}
	})
	if err := d.Set("1"); err != nil {
		t.Fatal(err)
	}
	<-started // the notifier now blocks on (0, 1)
	const sets = 100000
	for i := int64(2); i <= sets; i++ {
		if err := d.Set(strconv.FormatInt(i, 10)); err != nil {
			t.Fatal(err)
		}
	}
	since, waiting := d.notify.behind()
	if waiting > 1 {
		t.Errorf("%d changes wait for a blocked notifier, want at most 1", waiting)
	}
	if since.IsZero() {
		t.Error("the queue does not say its notifiers are behind")
	}
	st, _ := EngineFor(fs).Flag("n")
	if !st.NotifierBehindSince.Equal(since) {
		t.Errorf("FlagState.NotifierBehindSince = %v, want %v", st.NotifierBehindSince, since)
	}
	close(release)
	d.WaitNotified()
	mu.Lock()
	defer mu.Unlock()
	last := int64(0)
	for i, c := range seen {
		if c[0] != last || c[1] <= c[0] {
			t.Fatalf("notification %d was (%d, %d) after one ending at %d", i, c[0], c[1], last)
		}
		last = c[1]
	}
	if last != sets {
		t.Errorf("the last notification ended at %d, want %d", last, sets)
	}
	if len(seen) != 2 {
		t.Errorf("got %d notifications (first %v), want (0, 1) then (1, %d)", len(seen), seen[:min(len(seen), 3)], sets)
	}
	if st, _ := EngineFor(fs).Flag("n"); !st.NotifierBehindSince.IsZero() {
		t.Errorf("NotifierBehindSince = %v after the notifier caught up, want zero", st.NotifierBehindSince)
	}
}

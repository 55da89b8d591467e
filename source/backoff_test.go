package source_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/flagz-go/flagz/source"
)

// The n-th wait of a series of failures lies in [d/2, d], d doubling from
// min up to max; Reset starts again at min.
func TestBackoffDoublesUpToMaxWithJitter(t *testing.T) {
	b := source.NewBackoff(100*time.Millisecond, time.Second)
	bounds := []time.Duration{100, 200, 400, 800, 1000, 1000, 1000}
	for round := range 2 {
		for i, d := range bounds {
			d *= time.Millisecond
			if got := b.Next(); got < d/2 || got > d {
				t.Fatalf("round %d, wait %d = %v, want within [%v, %v]", round, i+1, got, d/2, d)
			}
		}
		b.Reset()
	}
}

// Processes that failed together do not retry in step: the waits of one
// bound are spread over it.
func TestBackoffSpreadsWaits(t *testing.T) {
	seen := map[time.Duration]bool{}
	for range 1000 {
		seen[source.NewBackoff(time.Second, time.Second).Next()] = true
	}
	if len(seen) < 100 {
		t.Errorf("1000 first waits took %d values; want them spread", len(seen))
	}
}

// Bounds a Backoff cannot use are made usable: no wait is zero or
// negative, and none exceeds the larger bound.
func TestBackoffBadBounds(t *testing.T) {
	for _, tc := range []struct{ lo, hi, max time.Duration }{
		{0, 0, source.DefaultMinBackoff},
		{-time.Second, time.Second, time.Second},
		{time.Second, time.Millisecond, time.Second},
	} {
		b := source.NewBackoff(tc.lo, tc.hi)
		for range 10 {
			if got := b.Next(); got <= 0 || got > tc.max {
				t.Fatalf("NewBackoff(%v, %v).Next() = %v, want in (0, %v]", tc.lo, tc.hi, got, tc.max)
			}
		}
	}
}

// Wait returns false at once when its context ends; one goroutine may
// reset a Backoff while another waits on it.
func TestBackoffWaitEndsWithContext(t *testing.T) {
	b := source.NewBackoff(time.Hour, time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if b.Wait(ctx) {
			t.Error("Wait returned true though its context ended")
		}
	})
	b.Reset()
	cancel()
	wg.Wait()
	if !source.NewBackoff(time.Millisecond, time.Millisecond).Wait(context.Background()) {
		t.Error("Wait returned false though its context did not end")
	}
}

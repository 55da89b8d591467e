package watcher

import (
	"testing"
	"time"
)

// A periodic request comes within its period, never after it (earlier),
// and not at the same point every time: processes that began together
// drift apart. (Retries back off with source.Backoff, tested there.)
func TestRandomWaitsStayInBoundsAndSpread(t *testing.T) {
	for _, tc := range []struct {
		name   string
		wait   func(time.Duration) time.Duration
		d      time.Duration
		lo, hi time.Duration
	}{
		{"earlier", earlier, 10 * time.Second, 8 * time.Second, 10 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seen := map[time.Duration]bool{}
			for range 1000 {
				got := tc.wait(tc.d)
				if got < tc.lo || got > tc.hi {
					t.Fatalf("%s(%v) = %v, want within [%v, %v]", tc.name, tc.d, got, tc.lo, tc.hi)
				}
				seen[got] = true
			}
			if len(seen) < 100 {
				t.Errorf("1000 draws of %s(%v) took %d values; want them spread", tc.name, tc.d, len(seen))
			}
		})
	}
}

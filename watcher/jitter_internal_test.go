package watcher

import (
	"testing"
	"time"
)

// A periodic request comes within its period, never after it, and not at
// the same point of it every time: processes started together drift apart.
func TestEarlierStaysWithinThePeriodAndSpreads(t *testing.T) {
	const d = 10 * time.Second
	seen := map[time.Duration]bool{}
	for range 1000 {
		got := earlier(d)
		if got < d*4/5 || got > d {
			t.Fatalf("earlier(%v) = %v, want within [%v, %v]", d, got, d*4/5, d)
		}
		seen[got] = true
	}
	if len(seen) < 100 {
		t.Errorf("1000 draws of earlier(%v) took %d values; want them spread", d, len(seen))
	}
}

// A retry waits its backoff give or take a fifth.
func TestJitterStaysWithinAFifth(t *testing.T) {
	const d = time.Second
	seen := map[time.Duration]bool{}
	for range 1000 {
		got := jitter(d)
		if got < d*4/5 || got > d*6/5 {
			t.Fatalf("jitter(%v) = %v, want within [%v, %v]", d, got, d*4/5, d*6/5)
		}
		seen[got] = true
	}
	if len(seen) < 100 {
		t.Errorf("1000 draws of jitter(%v) took %d values; want them spread", d, len(seen))
	}
}

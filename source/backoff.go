package source

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// backoff spaces out attempts to reach an origin: the wait doubles after
// each failure from min up to max, and each wait is drawn from [d/2, d] so
// that many processes do not retry in step.
type backoff struct {
	mu             sync.Mutex
	min, max, next time.Duration
}

func newBackoff(min, max time.Duration) *backoff {
	return &backoff{min: min, max: max, next: min}
}

// reset starts the next series of failures at min again.
func (b *backoff) reset() {
	b.mu.Lock()
	b.next = b.min
	b.mu.Unlock()
}

// wait sleeps for the next delay; it returns false if ctx ended first.
func (b *backoff) wait(ctx context.Context) bool {
	b.mu.Lock()
	d := b.next
	b.next = min(2*b.next, b.max)
	b.mu.Unlock()
	t := time.NewTimer(d/2 + rand.N(d/2+1))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

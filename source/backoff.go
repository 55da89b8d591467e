package source

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// Backoff spaces out the attempts to reach something that failed: the
// runtime's attempts to reach an origin, and the retries of what a source
// does beside following it (the etcd watcher's presence record). It is the
// one formula every source uses: the n-th wait of a series of failures is
// drawn from [d/2, d], d being min doubled n-1 times and capped at max, so
// it doubles after each failure, never exceeds max, and many processes
// that failed together do not retry in step. Reset starts the next series
// at min again.
//
// A Backoff is safe for concurrent use: one goroutine may wait while
// another resets it.
type Backoff struct {
	mu             sync.Mutex
	min, max, next time.Duration
}

// NewBackoff returns a Backoff from lo to hi. A lo that is not positive
// is taken as DefaultMinBackoff, and a hi below lo as lo.
func NewBackoff(lo, hi time.Duration) *Backoff {
	if lo <= 0 {
		lo = DefaultMinBackoff
	}
	hi = max(hi, lo)
	return &Backoff{min: lo, max: hi, next: lo}
}

// Next returns the wait before the next attempt, and doubles the bound of
// the one after it (up to max).
func (b *Backoff) Next() time.Duration {
	b.mu.Lock()
	d := b.next
	b.next = min(2*b.next, b.max)
	b.mu.Unlock()
	return d/2 + rand.N(d/2+1)
}

// Reset starts the next series of failures at min again: call it after a
// success.
func (b *Backoff) Reset() {
	b.mu.Lock()
	b.next = b.min
	b.mu.Unlock()
}

// Wait sleeps for Next; it returns false if ctx ended first.
func (b *Backoff) Wait(ctx context.Context) bool {
	t := time.NewTimer(b.Next())
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

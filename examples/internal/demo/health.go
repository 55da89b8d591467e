package demo

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// refused counts the requests the rate limiter refused (429), in every
// service of the process.
var refused atomic.Int64

// HealthWindow is how far back Health counts refused requests.
const HealthWindow = 10 * time.Second

// Health returns the demo's health check (watcher.WithHealth): unhealthy
// while its rate limiter refused more than max requests in the last
// HealthWindow, a real signal that a rate_limit is too low for the traffic
// (a canary of rate_limit=1 halts on it). max 0 or less: always healthy.
func Health(max int64) func(context.Context) error {
	h := &health{max: max}
	return h.check
}

// health keeps samples of the refused count, to count the refusals of the
// last HealthWindow.
type health struct {
	max     int64
	mu      sync.Mutex
	samples []sample // oldest first, the first at or before now - HealthWindow once there is one
}

type sample struct {
	at      time.Time
	refused int64
}

func (h *health) check(context.Context) error {
	if h.max <= 0 {
		return nil
	}
	now, count := time.Now(), refused.Load()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.samples = append(h.samples, sample{now, count})
	cutoff := now.Add(-HealthWindow)
	for len(h.samples) > 1 && !h.samples[1].at.After(cutoff) {
		h.samples = h.samples[1:]
	}
	if n := count - h.samples[0].refused; n > h.max {
		return fmt.Errorf("the rate limiter refused %d requests in the last %v (more than %d): rate_limit too low for the traffic?", n, HealthWindow, h.max)
	}
	return nil
}

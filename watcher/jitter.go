package watcher

import (
	"math/rand/v2"
	"time"
)

// between returns a random duration from lo to hi: waits of many processes
// that began together do not end together.
func between(lo, hi time.Duration) time.Duration {
	return lo + rand.N(hi-lo+1)
}

// earlier returns a random duration between four fifths of d and d:
// the next of a periodic request that must come within d (a lease renewal,
// a health check). Processes that started together drift apart at the
// first period instead of asking etcd all at once, every period.
func earlier(d time.Duration) time.Duration { return between(d*4/5, d) }

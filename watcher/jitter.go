package watcher

import (
	"math/rand/v2"
	"time"
)

// jitter returns d give or take a fifth, at random: retries of many
// processes that failed together do not stay in step.
func jitter(d time.Duration) time.Duration {
	return d*4/5 + rand.N(d*2/5+1)
}

// earlier returns a random duration between four fifths of d and d:
// the next of a periodic request that must come within d (a lease renewal,
// a health check). Processes that started together drift apart at the
// first period instead of asking etcd all at once, every period.
func earlier(d time.Duration) time.Duration {
	return d*4/5 + rand.N(d/5+1)
}

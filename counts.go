package flagz

import (
	"sync"
	"sync/atomic"

	"github.com/flagz-go/flagz/record"
)

// updateCounters are the engine's update counters. An apply counting its
// outcomes and a scrape reading every counter share no lock: a counter is
// found by its key in a sync.Map and moved atomically, and readers walk a
// list of every counter that only ever grows (an append writes past the
// end of the slice readers hold). Only making a new counter takes mu.
type updateCounters struct {
	byKey sync.Map                   // updateKey -> *counter
	list  atomic.Pointer[[]*counter] // every counter, oldest first
	mu    sync.Mutex                 // orders appends to list
}

// counter is one update counter.
type counter struct {
	key updateKey
	n   atomic.Uint64
}

// add counts one update of key. A new counter starts at one, so no reader
// sees it at zero.
func (u *updateCounters) add(key updateKey) {
	if c, ok := u.byKey.Load(key); ok {
		c.(*counter).n.Add(1)
		return
	}
	c := &counter{key: key}
	c.n.Store(1)
	if old, loaded := u.byKey.LoadOrStore(key, c); loaded {
		old.(*counter).n.Add(1)
		return
	}
	u.mu.Lock()
	list := append(u.all(), c)
	u.list.Store(&list)
	u.mu.Unlock()
}

// all returns every counter. The slice is never modified.
func (u *updateCounters) all() []*counter {
	if list := u.list.Load(); list != nil {
		return *list
	}
	return nil
}

// VisitUpdateCounts calls fn with how many updates each flag received from
// each source, by result, in no particular order. Unchanged results are not
// counted; names no flag is declared with are counted under flag "". It
// holds no lock (fn may take its time) and allocates nothing; a batch being
// applied meanwhile may be partly counted.
func (e *Engine) VisitUpdateCounts(fn func(flag, source string, result record.Result, n uint64)) {
	for _, c := range e.counts.all() {
		fn(c.key.flag, c.key.source, c.key.result, c.n.Load())
	}
}

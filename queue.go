package flagz

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/flagz-go/flagz/internal/recovery"
)

// queue delivers items to its consumers: in the order they were pushed,
// each item to every consumer in the order they were added, one call at a
// time, on a goroutine that exists only while there is something to
// deliver. So a slow consumer delays only the later items of its own queue,
// never the pusher, another flag's notifiers or another subscriber. A
// consumer's panic is recovered and reported as site says for the item (see
// internal/recovery), and kept as the queue's last panic; the other
// consumers still get the item, and later items are delivered.
//
// A queue with merge set holds a bounded number of items: once maxBacklog
// items wait, or backlog items wait behind a consumer call that has run for
// stuckAfter, they are merged into one, and every later push merges into
// the last item waiting, until the consumers catch up (nothing waits). So
// a consumer that never returns holds one item, not every push; behindSince
// tells when that began. A consumer that keeps up, if late, gets every
// item. Without merge every item is kept. A queue whose items differ in
// size (events, whose reports may name thousands of flags) counts each
// item as weight says, and may set its own bounds (maxWaiting,
// stuckWaiting) in that unit.
//
// The notifiers of one flag are one queue (see notifier); each subscriber
// of an Engine is one (see Engine.Subscribe).
type queue[E any] struct {
	site func(E) recovery.Site // where a consumer's panic over an item is recovered; set before the first push
	// merge, when set, returns the one item that stands for a followed by
	// b; set before the first push.
	merge      func(a, b E) E
	stuckAfter time.Duration // with merge: how long a call runs before backlog items waiting behind it are merged
	// weight, when set, is how much an item counts towards the bounds
	// (nil: 1); maxWaiting and stuckWaiting, when positive, replace
	// maxBacklog and backlog. Set before the first push.
	weight                   func(E) int
	maxWaiting, stuckWaiting int

	callStart atomic.Int64 // when the consumer call in progress started (UnixNano); 0: none

	count atomic.Int32 // consumers; read without the lock

	mu        sync.Mutex
	consumers []func(E) // never modified, replaced
	pending   []E
	waiting   int // the weight of pending, until it is merged
	running   bool
	closed    bool
	idle      *sync.Cond // signalled when the goroutine stops
	lastPanic error
	// behindSince is when the waiting items reached backlog and were
	// merged; zero once nothing waits. Only with merge.
	behindSince time.Time
	behindNow   atomic.Bool // behindSince is set; read by drain between items without the lock
}

// backlog is how many items a queue with merge lets wait behind a stuck
// consumer call before it merges them; maxBacklog how many it lets wait
// whatever the consumers do: enough that consumers keeping up, if late
// (the pusher can be much faster), get every item.
const (
	backlog    = 1024
	maxBacklog = 1 << 16
)

// add makes fn a consumer of the items pushed from now on.
func (q *queue[E]) add(fn func(E)) {
	q.mu.Lock()
	q.consumers = append(q.consumers[:len(q.consumers):len(q.consumers)], fn)
	q.count.Add(1)
	q.mu.Unlock()
}

// active reports whether the queue has a consumer.
func (q *queue[E]) active() bool { return q.count.Load() > 0 }

// push queues item for delivery, unless the queue is closed. Pushes made
// one after the other (under a lock of the caller's, say) are delivered in
// that order.
func (q *queue[E]) push(item E) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	w := 1
	if q.weight != nil {
		w = q.weight(item)
	}
	switch n := len(q.pending); {
	case q.merge != nil && n > 0 && !q.behindSince.IsZero():
		q.pending[n-1] = q.merge(q.pending[n-1], item)
	case q.merge != nil && n > 0 && (q.waiting+w >= q.bound(q.maxWaiting, maxBacklog) ||
		q.waiting+w >= q.bound(q.stuckWaiting, backlog) && q.callStuck()):
		merged := q.pending[0]
		for _, p := range q.pending[1:] {
			merged = q.merge(merged, p)
		}
		q.pending = []E{q.merge(merged, item)} // the backlog's array is let go
		q.waiting = 0
		q.behindSince = time.Now()
		q.behindNow.Store(true)
	default:
		q.pending = append(q.pending, item)
		q.waiting += w
	}
	if !q.running {
		q.running = true
		go q.drain()
	}
}

// drain delivers the waiting items. A queue with merge that falls behind
// while it delivers a batch merges what is left of the batch into the items
// waiting, so a consumer that returns gets the newest item next.
func (q *queue[E]) drain() {
	for {
		q.mu.Lock()
		batch, consumers := q.pending, q.consumers
		q.pending, q.waiting = nil, 0
		if len(batch) == 0 || q.closed {
			q.behindSince = time.Time{}
			q.behindNow.Store(false)
			q.running = false
			if q.idle != nil {
				q.idle.Broadcast()
			}
			q.mu.Unlock()
			return
		}
		q.mu.Unlock()
		for i, item := range batch {
			if i > 0 && q.behindNow.Load() {
				q.requeue(batch[i:])
				break
			}
			if q.merge != nil {
				q.callStart.Store(time.Now().UnixNano())
			}
			for _, fn := range consumers {
				if err := q.call(fn, item); err != nil {
					q.mu.Lock()
					q.lastPanic = err
					q.mu.Unlock()
				}
			}
			q.callStart.Store(0)
		}
	}
}

// bound returns the queue's own bound if it set one, else def.
func (q *queue[E]) bound(own, def int) int {
	if own > 0 {
		return own
	}
	return def
}

// callStuck reports whether a consumer call has been running for
// stuckAfter.
func (q *queue[E]) callStuck() bool {
	start := q.callStart.Load()
	return start != 0 && time.Since(time.Unix(0, start)) >= q.stuckAfter
}

// requeue merges rest, the undelivered items of a batch, and the items
// waiting (pushed after them) into one waiting item.
func (q *queue[E]) requeue(rest []E) {
	q.mu.Lock()
	defer q.mu.Unlock()
	merged := rest[0]
	for _, it := range rest[1:] {
		merged = q.merge(merged, it)
	}
	for _, it := range q.pending {
		merged = q.merge(merged, it)
	}
	q.pending, q.waiting = []E{merged}, 0
}

// call runs one consumer, turning its panic into an error.
func (q *queue[E]) call(fn func(E), item E) (err error) {
	defer q.site(item).Recover(&err)
	fn(item)
	return nil
}

// wait blocks until the queue is empty and no consumer is running.
func (q *queue[E]) wait() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.waitLocked()
}

// close drops what is queued, refuses later pushes, and waits until no
// consumer is running. It must not be called from a consumer.
func (q *queue[E]) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	q.pending, q.waiting = nil, 0
	q.waitLocked()
}

func (q *queue[E]) waitLocked() {
	if q.idle == nil {
		q.idle = sync.NewCond(&q.mu)
	}
	for q.running {
		q.idle.Wait()
	}
}

// behind returns when the waiting items were last merged because the
// consumers fell backlog items behind (zero: they keep up), and how many
// items wait.
func (q *queue[E]) behind() (since time.Time, waiting int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.behindSince, len(q.pending)
}

// lastPanicErr returns the last panic of a consumer, or nil.
func (q *queue[E]) lastPanicErr() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.lastPanic
}

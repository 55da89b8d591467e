package flagz

import (
	"sync"
	"sync/atomic"

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
// The notifiers of one flag are one queue (see notifier); each subscriber
// of an Engine is one (see Engine.Subscribe).
type queue[E any] struct {
	site func(E) recovery.Site // where a consumer's panic over an item is recovered; set before the first push

	count atomic.Int32 // consumers; read without the lock

	mu        sync.Mutex
	consumers []func(E) // never modified, replaced
	pending   []E
	running   bool
	closed    bool
	idle      *sync.Cond // signalled when the goroutine stops
	lastPanic error
}

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
	q.pending = append(q.pending, item)
	if !q.running {
		q.running = true
		go q.drain()
	}
}

func (q *queue[E]) drain() {
	for {
		q.mu.Lock()
		batch, consumers := q.pending, q.consumers
		q.pending = nil
		if len(batch) == 0 || q.closed {
			q.running = false
			if q.idle != nil {
				q.idle.Broadcast()
			}
			q.mu.Unlock()
			return
		}
		q.mu.Unlock()
		for _, item := range batch {
			for _, fn := range consumers {
				if err := q.call(fn, item); err != nil {
					q.mu.Lock()
					q.lastPanic = err
					q.mu.Unlock()
				}
			}
		}
	}
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
	q.pending = nil
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

// lastPanicErr returns the last panic of a consumer, or nil.
func (q *queue[E]) lastPanicErr() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.lastPanic
}

package flagz

import (
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// notifier delivers (old, new) pairs of one flag to its subscribers: in the
// order the changes happened, one at a time, on a goroutine that exists only
// while there is something to deliver.
type notifier[T any] struct {
	name string
	subs atomic.Int32 // how many subscribers; read without the lock

	mu        sync.Mutex
	fns       []func(oldValue, newValue T)
	pending   []change[T]
	running   bool
	idle      *sync.Cond // signalled when the queue drains
	lastPanic error
}

type change[T any] struct{ old, new T }

func (n *notifier[T]) add(fn func(oldValue, newValue T)) {
	n.mu.Lock()
	n.fns = append(n.fns, fn)
	n.subs.Add(1)
	n.mu.Unlock()
}

// active reports whether anyone listens.
func (n *notifier[T]) active() bool { return n.subs.Load() > 0 }

// enqueue records a change. Callers hold the flag's set lock, so changes are
// enqueued in the order they took effect.
func (n *notifier[T]) enqueue(old, new T) {
	if !n.active() {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.pending = append(n.pending, change[T]{old, new})
	if !n.running {
		n.running = true
		go n.drain()
	}
}

func (n *notifier[T]) drain() {
	for {
		n.mu.Lock()
		batch, subs := n.pending, n.fns
		n.pending = nil
		if len(batch) == 0 {
			n.running = false
			if n.idle != nil {
				n.idle.Broadcast()
			}
			n.mu.Unlock()
			return
		}
		n.mu.Unlock()
		for _, c := range batch {
			for _, fn := range subs {
				n.call(fn, c)
			}
		}
	}
}

func (n *notifier[T]) call(fn func(oldValue, newValue T), c change[T]) {
	defer func() {
		if r := recover(); r != nil {
			err := fmt.Errorf("flagz: notifier of flag %q panicked: %v", n.name, r)
			n.mu.Lock()
			n.lastPanic = err
			n.mu.Unlock()
			slog.Error("flagz: notifier panicked", "flag", n.name, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		}
	}()
	fn(c.old, c.new)
}

// wait blocks until the queue is empty and no notifier is running.
func (n *notifier[T]) wait() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.idle == nil {
		n.idle = sync.NewCond(&n.mu)
	}
	for n.running {
		n.idle.Wait()
	}
}

func (n *notifier[T]) lastPanicErr() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.lastPanic
}

package flagz

import (
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
)

// notifier delivers (old, new) pairs of one flag to its subscribers: in the
// order the changes happened, one at a time, on a goroutine that exists only
// while there is something to deliver.
type notifier[T any] struct {
	name      string
	sensitive *atomic.Bool // the flag's: a panic's value and arguments are withheld
	subs      atomic.Int32 // how many subscribers; read without the lock

	mu        sync.Mutex
	fns       []func(oldValue, newValue T)
	pending   []change[T]
	running   bool
	idle      *sync.Cond // signalled when the queue drains
	lastPanic error
}

// change is one (old, new) pair, with the log of the source that made it
// (nil: slog.Default()), where a notifier's panic is reported.
type change[T any] struct {
	old, new T
	logger   *slog.Logger
}

func (n *notifier[T]) add(fn func(oldValue, newValue T)) {
	n.mu.Lock()
	n.fns = append(n.fns, fn)
	n.subs.Add(1)
	n.mu.Unlock()
}

// active reports whether anyone listens.
func (n *notifier[T]) active() bool { return n.subs.Load() > 0 }

// enqueue records a change made by a source logging to logger (nil:
// slog.Default()). Callers hold the flag's set lock, so changes are enqueued
// in the order they took effect.
func (n *notifier[T]) enqueue(old, new T, logger *slog.Logger) {
	if !n.active() {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.pending = append(n.pending, change[T]{old, new, logger})
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

// call runs one notifier, recovering its panic: the panic is kept for the
// debug page and logged to the log of the source that made the change.
// For a sensitive flag the panic's value (it may quote the flag's value)
// and the arguments in the stack trace (the values themselves, as numbers)
// are withheld.
func (n *notifier[T]) call(fn func(oldValue, newValue T), c change[T]) {
	defer func() {
		if r := recover(); r != nil {
			shown, stack := fmt.Sprint(r), string(debug.Stack())
			if n.sensitive != nil && n.sensitive.Load() {
				shown = fmt.Sprintf("%s (a panic value of type %T; withheld: the flag is sensitive)", Redacted, r)
				stack = withoutArguments(stack)
			}
			n.mu.Lock()
			n.lastPanic = fmt.Errorf("flagz: notifier of flag %q panicked: %s", n.name, shown)
			n.mu.Unlock()
			logger := c.logger
			if logger == nil {
				logger = slog.Default()
			}
			logger.Error("flagz: notifier panicked", "flag", n.name, "panic", shown, "stack", stack)
		}
	}()
	fn(c.old, c.new)
}

// withoutArguments removes the argument words from the frames of a stack
// trace: "main.notify(0x4d2, 0x7a69)" becomes "main.notify(...)".
func withoutArguments(stack string) string {
	lines := strings.Split(stack, "\n")
	for i, line := range lines {
		if strings.HasPrefix(line, "\t") || !strings.HasSuffix(line, ")") {
			continue // a file:line, or no call
		}
		if open := strings.LastIndexByte(line, '('); open >= 0 {
			lines[i] = line[:open] + "(...)"
		}
	}
	return strings.Join(lines, "\n")
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

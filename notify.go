package flagz

import (
	"log/slog"
	"sync/atomic"

	"github.com/flagz-go/flagz/internal/recovery"
)

// notifier delivers (old, new) pairs of one flag to its notifiers: a queue
// (see queue), so in the order the changes happened, one at a time, on a
// goroutine that exists only while there is something to deliver.
type notifier[T any] struct {
	queue[change[T]]
}

// change is one (old, new) pair, with the log of the source that made it
// (nil: slog.Default()), where a notifier's panic is reported.
type change[T any] struct {
	old, new T
	logger   *slog.Logger
}

// init names the flag in a notifier's panic, whose value and stack
// arguments are withheld while sensitive is set (they may quote the
// flag's value).
func (n *notifier[T]) init(name string, sensitive *atomic.Bool) {
	attrs := []any{"flag", name}
	n.site = func(c change[T]) recovery.Site {
		logger := c.logger
		if logger == nil {
			logger = slog.Default()
		}
		return recovery.Site{Op: "notifier", Log: logger, Attrs: attrs, Sensitive: sensitive.Load()}
	}
}

// addFunc adds a notifier.
func (n *notifier[T]) addFunc(fn func(oldValue, newValue T)) {
	n.add(func(c change[T]) { fn(c.old, c.new) })
}

// enqueue records a change made by a source logging to logger (nil:
// slog.Default()). Callers hold the flag's set lock, so changes are enqueued
// in the order they took effect.
func (n *notifier[T]) enqueue(old, new T, logger *slog.Logger) {
	if n.active() {
		n.push(change[T]{old, new, logger})
	}
}

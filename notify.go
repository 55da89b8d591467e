package flagz

import (
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/flagz-go/flagz/internal/recovery"
)

// notifier delivers (old, new) pairs of one flag to its notifiers: a queue
// (see queue), so in the order the changes happened, one at a time, on a
// goroutine that exists only while there is something to deliver. Notifiers
// that fall far behind (maxBacklog changes, or backlog behind a call that
// has run for notifierStuckAfter: one that blocks, say) get the changes
// waiting merged into one: (the old value of the first, the new value of
// the last), so they hold one change, not every one made meanwhile, and
// once they return they get (the value they last saw, the newest value),
// never an older value after a newer one.
type notifier[T any] struct {
	queue[change[T]]
}

// notifierStuckAfter is how long a notifier call runs before the changes
// waiting behind it are merged once there are backlog of them.
const notifierStuckAfter = time.Second

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
	n.merge = func(a, b change[T]) change[T] { return change[T]{a.old, b.new, b.logger} }
	n.stuckAfter = notifierStuckAfter
	n.site = func(c change[T]) recovery.Site {
		logger := c.logger
		if logger == nil {
			logger = slog.Default()
		}
		return recovery.Site{Op: "notifier", Log: logger, Attrs: attrs, Sensitive: sensitive.Load()}
	}
}

// behindSince returns when the notifiers fell so far behind that the
// changes waiting for them were merged; zero when they keep up.
func (n *notifier[T]) behindSince() time.Time {
	since, _ := n.behind()
	return since
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

// notifierBehindSince returns when d's notifiers fell so far behind that
// the changes waiting for them were merged (see notifier); zero when they
// keep up.
func (d *Dyn[T]) notifierBehindSince() time.Time { return d.notify.behindSince() }

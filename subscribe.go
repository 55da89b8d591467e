package flagz

import (
	"log/slog"
	"slices"
	"time"

	"github.com/flagz-go/flagz/internal/recovery"
)

// Event tells a subscriber what one batch of a source did, or that a source
// entered a new state.
type Event struct {
	Time   time.Time
	Source string

	// Revision and Report describe a batch: every name it held and what
	// became of it. Report is nil for a state change.
	Revision int64
	Report   Report

	// State is the source's status as it entered a new state (CONNECTING,
	// SERVING, DEGRADED, STOPPED); nil for a batch.
	State *SourceStatus
}

// Changed returns the names whose value the batch changed, sorted.
func (ev Event) Changed() []string {
	var names []string
	for _, o := range ev.Report {
		if o.Result == Applied {
			names = append(names, o.Flag)
		}
	}
	return names
}

// Subscribe calls fn with an Event after every batch a source of the flag
// set applies (a resync of 10,000 flags is one event), and whenever a
// source's state changes. Events reach fn in the order they happened, one
// at a time, on a goroutine of the subscription's own: a slow subscriber
// delays nothing but its own events. A panic in fn is recovered and logged.
// Changes made by calling a value's Set directly are not batches and make
// no event. The returned function ends the subscription; it returns once no
// call of fn is in progress, and must not be called from fn.
func (e *Engine) Subscribe(fn func(Event)) (unsubscribe func()) {
	q := &queue[Event]{site: subscriberSite}
	q.add(fn)
	e.mu.Lock()
	e.subs = append(e.subs, q)
	e.mu.Unlock()
	return func() {
		e.mu.Lock()
		e.subs = slices.DeleteFunc(e.subs, func(x *queue[Event]) bool { return x == q })
		e.mu.Unlock()
		q.close()
	}
}

// subscriberSite is where a subscriber's panic over ev is recovered: the
// engine has no log of its own, so slog.Default().
func subscriberSite(ev Event) recovery.Site {
	return recovery.Site{Op: "subscriber", Log: slog.Default(), Attrs: []any{"source", ev.Source}}
}

// publish hands ev to every subscriber.
func (e *Engine) publish(ev Event) {
	e.mu.Lock()
	subs := slices.Clone(e.subs)
	e.mu.Unlock()
	for _, q := range subs {
		q.push(ev)
	}
}

package flagz

import (
	"log/slog"
	"slices"
	"time"

	"github.com/flagz-go/flagz/internal/recovery"
	"github.com/flagz-go/flagz/record"
)

// Event tells a subscriber that values changed, and how: what one batch of
// a source did, or one change made by calling a value's Set directly; or
// that a source entered a new state or a problem of it started or ended.
//
// A direct Set (from code, or through the flag set, as Parse does) that
// changes the value is an event of its own: Source is DirectSet, Revision
// 0, and Report holds one Applied outcome whose Value and New are the new
// value's text and Old the previous one's (Redacted for a sensitive flag).
// A Set that is refused or changes nothing makes no event: its caller has
// the answer. A flag flagz did not declare (a plain pflag or flag value)
// set directly is not seen by flagz and makes no event.
type Event struct {
	Time   time.Time
	Source string // the source's name, or DirectSet

	// Revision and Report describe a batch: every name it held and what
	// became of it. Report is nil for a state change. Revision is 0 for a
	// direct Set.
	Revision int64
	Report   Report

	// State is the source's status as it entered a new state (CONNECTING,
	// SERVING, DEGRADED, STOPPED), or as one of its problems started or
	// ended (State.Problems lists those that last); nil for a batch.
	State *record.SourceStatus

	// Merged, when not zero, is how many events this one stands for: the
	// subscriber fell so far behind that the events waiting for it were
	// merged into one (see Subscribe). Its Report then names every flag
	// those events changed, once (Applied, Old from before its first change,
	// Value, New and Removed from its last), and the last refusal of any
	// flag they refused and did not change; unchanged and unknown names are
	// left out. Source and Revision are those of the last batch when every
	// event merged came from one source, else empty and 0. State is nil:
	// the sources' states of now are Engine.Sources.
	Merged int

	merged *eventMerge // while waiting in a subscriber's queue: the account of the events merged
}

// DirectSet is the Source of an Event for a change made by calling a
// value's Set directly rather than through a source (see Event).
const DirectSet = "set"

// Changed returns the names whose value the batch changed, sorted.
func (ev Event) Changed() []string {
	var names []string
	for _, o := range ev.Report {
		if o.Result == record.Applied {
			names = append(names, o.Flag)
		}
	}
	return names
}

// Subscribe calls fn with an Event after every change of a value, whatever
// made it: one per batch a source of the flag set applies (a resync of
// 10,000 flags is one event; the debug page's setter is a source) and one
// per direct Set that changes a value; and one whenever a source's state
// changes or one of its problems (record.Problem) starts or ends. Each event is queued once its change took effect, so a
// subscriber reading the values on an event sees that change or a later
// one. Events reach fn in the order they were queued, one at a time, on a
// goroutine of the subscription's own: a slow subscriber delays nothing
// but its own events. The changes of one flag are queued in the order they
// took effect, except that a batch's event is queued once the whole batch
// is applied: a direct Set made meanwhile may come first. A panic in fn is
// recovered and logged to slog.Default(). The returned function ends the
// subscription; it returns once no call of fn is in progress, and must not
// be called from fn.
//
// A subscriber holds a bounded amount however far behind it falls. The
// events waiting for it are merged into one when they weigh 4,096 (an
// event weighs one plus the outcomes of its report: 2,048 one-flag
// changes, or one resync of 4,095 flags), or 256 while a call of fn has run
// for a second (fn blocks), and every later event merges into that one
// until fn has caught up (nothing waits). The merged event (Event.Merged,
// how many it stands for) names each flag those events changed once, from
// its value before them to its value after them, so a subscriber that
// keeps a copy of values or invalidates caches loses nothing by the merge,
// only the steps between; one that needs every batch (an audit trail)
// reads the sources' audit log instead. What the merged event tells came
// after every event fn got before it. A merge is logged (WARN, to slog.Default()) when the merged event is delivered.
func (e *Engine) Subscribe(fn func(Event)) (unsubscribe func()) {
	q := &queue[Event]{site: subscriberSite, merge: mergeEvents, weight: eventWeight,
		stuckAfter: subscriberStuckAfter, maxWaiting: maxEventWeight, stuckWaiting: stuckEventWeight}
	q.add(deliverTo(fn))
	e.mu.Lock()
	e.subs.Store(ptr(append(slices.Clone(e.subscribers()), q)))
	e.mu.Unlock()
	return func() {
		e.mu.Lock()
		e.subs.Store(ptr(slices.DeleteFunc(slices.Clone(e.subscribers()), func(x *queue[Event]) bool { return x == q })))
		e.mu.Unlock()
		q.close()
	}
}

// subscribers returns the subscriptions of now; nil for a nil Engine.
func (e *Engine) subscribers() []*queue[Event] {
	if e == nil {
		return nil
	}
	if subs := e.subs.Load(); subs != nil {
		return *subs
	}
	return nil
}

// subscriberSite is where a subscriber's panic over ev is recovered: the
// engine has no log of its own, so slog.Default().
func subscriberSite(ev Event) recovery.Site {
	return recovery.Site{Op: "subscriber", Log: slog.Default(), Attrs: []any{"source", ev.Source}}
}

// publish hands ev to every subscriber.
func (e *Engine) publish(ev Event) {
	for _, q := range e.subscribers() {
		q.push(ev)
	}
}

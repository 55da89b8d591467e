package flagz

import (
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/flagz-go/flagz/record"
)

// The bounds of a subscriber's queue (see Subscribe), counted in weight:
// one per event and one per outcome of its report, so that a resync
// naming 10,000 flags weighs what 10,000 one-flag events do. Once
// maxEventWeight waits, or stuckEventWeight behind a call of the subscriber
// that has run for subscriberStuckAfter, the events waiting are merged into
// one. An event with its report takes a few hundred bytes, so a subscriber
// that never returns holds at most about a megabyte of events before they
// merge, then one event whose report names each flag at most once.
const (
	maxEventWeight       = 1 << 12
	stuckEventWeight     = 256
	subscriberStuckAfter = time.Second
)

// eventWeight is what ev counts for against the bounds of a subscriber's
// queue.
func eventWeight(ev Event) int { return 1 + len(ev.Report) }

// eventMerge is the account of the events merged into one for a subscriber
// that fell behind. It belongs to the one queue item that stands for them:
// only that queue's pushes (under its lock) and then its consumer touch it.
type eventMerge struct {
	count    int       // events merged
	time     time.Time // of the last one
	source   string    // of every one merged so far, while they share one
	several  bool      // they came from more than one source
	revision int64     // of the last batch, while they share a source
	index    map[string]int
	outcomes []Outcome // at most one per flag, in the order first seen
}

// mergeEvents returns the one event that stands for a followed by b.
func mergeEvents(a, b Event) Event {
	m := a.merged
	if m == nil {
		m = &eventMerge{index: map[string]int{}}
		m.add(a)
	}
	if b.merged != nil {
		m.addMerge(b.merged)
	} else {
		m.add(b)
	}
	return Event{merged: m}
}

// add folds one event of its own into the account.
func (m *eventMerge) add(ev Event) {
	m.count++
	m.time = ev.Time
	m.from(ev.Source, ev.Revision)
	for _, o := range ev.Report {
		m.outcome(o)
	}
}

// addMerge folds the account of later events into m.
func (m *eventMerge) addMerge(later *eventMerge) {
	m.count += later.count
	m.time = later.time
	if later.several {
		m.several, m.source, m.revision = true, "", 0
	} else {
		m.from(later.source, later.revision)
	}
	for _, o := range later.outcomes {
		m.outcome(o)
	}
}

// from notes an event of source at revision (0: a state change or a
// direct Set).
func (m *eventMerge) from(source string, revision int64) {
	switch {
	case m.count == 1:
		m.source = source
	case source != m.source:
		m.several, m.source, m.revision = true, "", 0
	}
	if !m.several && revision != 0 {
		m.revision = revision
	}
}

// outcome folds one outcome in. A flag keeps one outcome: if any event
// changed it, Applied from the value before its first change to the value
// after its last; otherwise its latest outcome. Unchanged outcomes and
// names no flag has are left out, so the account names each declared flag
// at most once, however many events it stands for.
func (m *eventMerge) outcome(o Outcome) {
	if o.Result == record.Unchanged || o.Result == record.Unknown {
		return
	}
	i, seen := m.index[o.Flag]
	switch {
	case !seen:
		m.index[o.Flag] = len(m.outcomes)
		m.outcomes = append(m.outcomes, o)
	case o.Result != record.Applied:
		if m.outcomes[i].Result != record.Applied {
			m.outcomes[i] = o
		}
	case m.outcomes[i].Result == record.Applied:
		p := &m.outcomes[i]
		p.Value, p.New, p.Removed, p.given = o.Value, o.New, o.Removed, nil
	default:
		m.outcomes[i] = o
	}
}

// event returns the merged event as its subscriber gets it.
func (m *eventMerge) event() Event {
	report := slices.Clone(m.outcomes)
	if report == nil {
		report = Report{}
	}
	slices.SortFunc(report, func(a, b Outcome) int { return strings.Compare(a.Flag, b.Flag) })
	return Event{Time: m.time, Source: m.source, Revision: m.revision, Report: report, Merged: m.count}
}

// deliverTo returns the consumer of a subscriber's queue that hands fn
// each event, a merged one as its account, logged.
func deliverTo(fn func(Event)) func(Event) {
	return func(ev Event) {
		if ev.merged != nil {
			ev = ev.merged.event()
			slog.Default().Warn("flagz: a subscriber fell behind; the events waiting for it were merged into one",
				"events", ev.Merged, "flags", len(ev.Report))
		}
		fn(ev)
	}
}

package debug

import (
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/record"
)

// Rejection is the last value a source offered that a flag refused, and
// whether the flag refuses it still. The page works Current out: the
// engine keeps the last rejection after a later value ends it.
type Rejection struct {
	Time     time.Time `json:"time"`
	Source   string    `json:"source"`
	Revision int64     `json:"revision"`
	Value    string    `json:"value"`
	Reason   string    `json:"reason"`
	// Current is true while the flag refuses the value now: no later value
	// of the same source took effect (was applied, or found the flag
	// holding it already, as after a rollback), and the source still holds
	// the value. A later value of another source does not end it: the
	// source still offers what the flag refuses. When it is false the
	// rejection is past: the page shows it as such, and `flagz status`
	// reports no rejection for it.
	Current bool `json:"current"`
	// SupersededBy is the revision of the source's later value that ended
	// the rejection; absent while Current, and when the revision is not
	// known (the source dropped the name, or has no revisions).
	SupersededBy int64 `json:"superseded_by,omitempty"`
}

// newRejection is st's last rejection, current or past; nil if it has none.
func newRejection(st *flagz.FlagState) *Rejection {
	r := st.LastRejection
	if r == nil {
		return nil
	}
	by, past := superseded(st, r)
	return &Rejection{Time: r.Time, Source: r.Source, Revision: r.Revision, Value: r.New, Reason: r.Reason,
		Current: !past, SupersededBy: by}
}

// refusingNow reports whether the flag refuses a value now: it has a last
// rejection that nothing superseded.
func refusingNow(st *flagz.FlagState) bool {
	if st.LastRejection == nil {
		return false
	}
	_, past := superseded(st, st.LastRejection)
	return !past
}

// superseded reports whether a later outcome of r's source ended the
// rejection r, and the revision that did (0 when unknown). It follows
// what the etcd watcher publishes as the process's rejections (which
// `flagz status` reads): a refused value is current until any other
// outcome of that flag from the same source (applied, unchanged,
// removed).
func superseded(st *flagz.FlagState, r *record.Change) (by int64, past bool) {
	if c := appliedAfter(st, r); c != nil {
		return c.Revision, true
	}
	for i := range st.HeldBy {
		h := &st.HeldBy[i]
		if h.Source != r.Source {
			continue
		}
		switch {
		case h.Revision > r.Revision: // a later value, not refused (it would be the last rejection)
			return h.Revision, true
		case h.Matches: // the source holds the running value (a source without revisions)
			return 0, true
		}
		return 0, false
	}
	// The source holds nothing for the flag any more: it dropped the name
	// (the flag was at its default already, so nothing was applied).
	return 0, true
}

// appliedAfter returns a change of r's source that the flag applied after
// the rejection r, or nil.
func appliedAfter(st *flagz.FlagState, r *record.Change) *record.Change {
	later := func(c *record.Change) bool {
		return c.Result == record.Applied && c.Source == r.Source &&
			(c.Time.After(r.Time) || c.Time.Equal(r.Time) && c.Revision > r.Revision)
	}
	if c := st.LastChange; c != nil && later(c) {
		return c
	}
	for i := len(st.History) - 1; i >= 0; i-- {
		if c := &st.History[i]; later(c) {
			return c
		}
	}
	return nil
}

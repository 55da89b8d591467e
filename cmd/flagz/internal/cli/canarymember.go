package cli

import (
	"fmt"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/watcher/canary"
	"github.com/flagz-go/flagz/watcher/presence"
)

// What a member of a canary's stage did with the canary's value.
const (
	memberApplied   = "applied"   // reported the stage's revision, in the canary, refusing nothing
	memberPending   = "pending"   // has not reported the stage's revision yet
	memberIgnored   = "ignored"   // does not declare the flag
	memberRefused   = "refused"   // refused the canary's value
	memberDegraded  = "degraded"  // its watcher does not follow etcd (DEGRADED)
	memberUnhealthy = "unhealthy" // its own health check fails (watcher.WithHealth)
	memberNotTaken  = "not taken" // reported the stage's revision without taking the canary's value
	memberGone      = "gone"      // its presence record went away: it crashed, or stopped
	memberLate      = "late"      // had not reported the stage's revision when the wait ended
)

// memberFailed reports whether outcome halts a canary.
func memberFailed(outcome string) bool {
	switch outcome {
	case memberApplied, memberPending, memberIgnored:
		return false
	}
	return true
}

// memberOutcome is what one member of a stage did, as the command shows
// it.
type memberOutcome struct {
	ID       string    `json:"id"`
	Outcome  string    `json:"outcome"`
	Reason   string    `json:"reason,omitempty"`
	Revision int64     `json:"revision"`         // the last revision it reported
	Updated  time.Time `json:"updated,omitzero"` // when it last reported
}

// stageOf is a canary's stage as its members are judged: the record, the
// revision of the stage's write, and of the canary's first one (a refusal
// since then is of the canary's value).
type stageOf struct {
	name      string
	rec       canary.Record
	stageRev  int64
	startRev  int64
	sensitive bool // the flag is sensitive: reasons of processes that do not say so are not shown
}

// judge says what the process of record r, a member of the stage, did
// with the canary's value: refused it (since the canary began), reports
// itself unhealthy, is DEGRADED, has not reported the stage's revision,
// does not declare the flag, reported it without taking the value (a
// watcher without canaries), or applied it.
func (st stageOf) judge(r presence.Record) memberOutcome {
	out := memberOutcome{ID: r.ID, Revision: r.Revision, Updated: r.Updated}
	schema, declares := r.Flag(st.name)
	if rj, ok := r.Refusal(st.name, st.startRev); ok {
		out.Outcome, out.Reason = memberRefused, rj.Reason
		if st.sensitive && !schema.Sensitive {
			out.Reason = flagz.Redacted // it may quote the value
		}
		return out
	}
	switch {
	case r.Health != nil && !r.Health.OK:
		out.Outcome, out.Reason = memberUnhealthy, r.Health.Reason
	case r.State == "DEGRADED":
		out.Outcome, out.Reason = memberDegraded, "its watcher does not follow etcd"
	case r.Revision < st.stageRev:
		out.Outcome = memberPending
	case !declares:
		out.Outcome, out.Reason = memberIgnored, "does not declare "+st.name
	case r.Canary[st.name] < st.stageRev:
		out.Outcome = memberNotTaken
		out.Reason = fmt.Sprintf("reported revision %d without the canary's value (a flagz watcher without canaries, "+
			"or one that disagrees on who is in the stage)", r.Revision)
	default:
		out.Outcome = memberApplied
	}
	return out
}

// members returns the records of the stage's members among records.
func (st stageOf) members(records []presence.Record) []presence.Record {
	var out []presence.Record
	for _, r := range records {
		if st.rec.Member(r.ID) {
			out = append(out, r)
		}
	}
	return out
}

package cli

import (
	"context"
	"strings"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/watcher/presence"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// defaultWait is how long set and del wait for the processes, unless
// --wait=DURATION says otherwise.
const defaultWait = time.Minute

// Outcomes of a write in one process, as --wait reports them.
const (
	outcomeApplied      = "applied"       // reported the write's revision, no rejection of it
	outcomeRejected     = "rejected"      // reported a rejection of the flag at the write's revision
	outcomeIgnored      = "ignored"       // applied the revision but does not declare the flag
	outcomeNotAnswering = "not answering" // had not reported the revision when the wait ended
	outcomeGone         = "gone"          // its presence record expired before it reported the revision
)

// processOutcome is what one process did with a write.
type processOutcome struct {
	ID       string    `json:"id"`
	Outcome  string    `json:"outcome"`
	Reason   string    `json:"reason,omitempty"`     // a rejection's reason
	Revision int64     `json:"revision"`             // the last revision it reported
	Updated  time.Time `json:"updated,omitzero"`     // when it last reported
	At       time.Time `json:"rejected_at,omitzero"` // when it rejected the value

	// ownReason: the process marks the flag sensitive, so its reason holds
	// nothing of the value (flagz.ValueError).
	ownReason bool
}

// waitResult is what --wait saw.
type waitResult struct {
	Revision    int64            `json:"revision"`              // the write's revision
	TimedOut    bool             `json:"timed_out"`             // the wait ended before every process answered
	Interrupted bool             `json:"interrupted,omitempty"` // ended by a signal, not the duration
	Processes   []processOutcome `json:"processes"`
}

// failed reports whether a process rejected the write or the wait ended
// before every process answered.
func (w waitResult) failed() bool {
	if w.TimedOut {
		return true
	}
	for _, p := range w.Processes {
		if p.Outcome == outcomeRejected {
			return true
		}
	}
	return false
}

// nobody reports whether no process reported the write: none was live,
// or every one went away first.
func (w waitResult) nobody() bool {
	for _, p := range w.Processes {
		if p.Outcome != outcomeGone {
			return false
		}
	}
	return true
}

// waitState follows the presence records of the live processes.
type waitState struct {
	name     string
	revision int64
	live     map[string]presence.Record
	order    []string                   // IDs in the order first seen
	decided  map[string]processOutcome  // outcome of a process once it reported the revision
	gone     map[string]presence.Record // expired before reporting the revision
	// sensitive: a process marks the flag sensitive (or set said so), so
	// the reasons of the others, which do not, are not shown.
	sensitive bool
}

// observe takes a process's record into account. The first record at or
// past the write's revision decides the outcome (rejected if it lists a
// rejection of the flag at that revision or later): a later record may no
// longer list a rejection, which a rollback or a newer value cleared.
func (w *waitState) observe(r presence.Record) {
	schema, declares := schemaOf(r, w.name)
	w.sensitive = w.sensitive || schema.Sensitive
	if _, seen := w.live[r.ID]; !seen {
		if _, decided := w.decided[r.ID]; !decided {
			w.order = append(w.order, r.ID)
		}
	}
	w.live[r.ID] = r
	delete(w.gone, r.ID)
	if r.Revision < w.revision {
		return
	}
	rj, rejected := rejectionOf(r, w.name, w.revision)
	rejection := processOutcome{ID: r.ID, Outcome: outcomeRejected, Reason: rj.Reason, At: rj.At, ownReason: schema.Sensitive}
	if _, decided := w.decided[r.ID]; decided {
		// Decided by an earlier record: only a rejection of this very
		// write, listed late, changes it (a later one is of a later write).
		if rejected && rj.Revision == w.revision {
			w.decided[r.ID] = rejection
		}
		return
	}
	if rejected {
		w.decided[r.ID] = rejection
		return
	}
	if !declares {
		w.decided[r.ID] = processOutcome{ID: r.ID, Outcome: outcomeIgnored, Reason: "does not declare " + w.name}
		return
	}
	w.decided[r.ID] = processOutcome{ID: r.ID, Outcome: outcomeApplied}
}

// expire notes that a process's record is gone (its lease expired or it
// stopped).
func (w *waitState) expire(id string) {
	if r, ok := w.live[id]; ok {
		delete(w.live, id)
		if _, decided := w.decided[id]; !decided {
			w.gone[id] = r
		}
	}
}

// done reports whether every live process has reported the revision.
func (w *waitState) done() bool {
	for id := range w.live {
		if _, ok := w.decided[id]; !ok {
			return false
		}
	}
	return true
}

func (w *waitState) result(timedOut bool) waitResult {
	res := waitResult{Revision: w.revision, TimedOut: timedOut && !w.done()}
	for _, id := range w.order {
		r, live := w.live[id]
		if g, ok := w.gone[id]; ok {
			r = g
		}
		out, decided := w.decided[id]
		switch {
		case decided && out.Outcome == outcomeRejected && w.sensitive && !out.ownReason:
			out.Reason = flagz.Redacted // it may quote the value
		case decided:
		case live:
			out = processOutcome{ID: id, Outcome: outcomeNotAnswering}
		default:
			out = processOutcome{ID: id, Outcome: outcomeGone, Reason: "its presence record expired before it reported the revision"}
		}
		out.Revision, out.Updated = r.Revision, r.Updated
		res.Processes = append(res.Processes, out)
	}
	return res
}

// waitFor waits until every live process reports revision rev applied (or
// rejected), or timeout. It reads the presence records once, then follows
// them with a watch from that read's revision; when the watch ends (the
// member lost its leader, a compaction, a broken connection) it reads them
// again and watches anew, until the deadline.
func (s *session) waitFor(parent context.Context, name string, rev int64, sensitive bool, timeout time.Duration) (waitResult, error) {
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()
	w := &waitState{name: name, revision: rev, live: map[string]presence.Record{},
		decided: map[string]processOutcome{}, gone: map[string]presence.Record{}, sensitive: sensitive}
	prefix := presence.Prefix(s.g.flagPrefix())
	var lastErr error
	announced := false
	retry := newRetryDelay()
	for ctx.Err() == nil {
		f, err := s.readFleet(ctx)
		if err != nil {
			lastErr = err
			if s.probe.downErr() != nil {
				break // no endpoint can be reached: no retry helps
			}
			retry.wait(ctx)
			continue
		}
		retry.reset()
		s.warnInvalid(f.invalid)
		if !announced && !s.json() {
			// Said once the processes are known: an interruption from
			// here on is "interrupted", with who did not answer.
			s.errorf("waiting up to %v for %s to report revision %d",
				timeout, count(len(f.records), "live process", "live processes"), rev)
		}
		announced = true
		seen := map[string]bool{}
		for _, r := range f.records {
			seen[r.ID] = true
			w.observe(r)
		}
		for id := range w.live {
			if !seen[id] {
				w.expire(id)
			}
		}
		if w.done() {
			return w.result(false), nil
		}
		wctx, stop := context.WithCancel(clientv3.WithRequireLeader(ctx))
		ch := s.client.Watch(wctx, prefix, clientv3.WithPrefix(), clientv3.WithRev(f.revision+1))
		finished := s.follow(wctx, ch, w, prefix)
		stop()
		if finished {
			return w.result(false), nil
		}
	}
	if len(w.live) == 0 && len(w.order) == 0 && lastErr != nil {
		return w.result(true), lastErr
	}
	res := w.result(true)
	res.Interrupted = res.TimedOut && parent.Err() != nil
	return res, nil
}

// follow applies the watch's events to w until every process reported the
// revision (true) or the watch ended (false).
func (s *session) follow(ctx context.Context, ch clientv3.WatchChan, w *waitState, prefix string) bool {
	for resp := range ch {
		if resp.Err() != nil {
			return false
		}
		for _, ev := range resp.Events {
			key := string(ev.Kv.Key)
			id := strings.TrimPrefix(key, prefix)
			if ev.Type == clientv3.EventTypeDelete {
				w.expire(id)
				continue
			}
			// The process is who its key says: a record of another id
			// under it is left out, as is one that does not decode.
			r, err := presence.DecodeKey(s.g.flagPrefix(), key, ev.Kv.Value)
			if err != nil {
				s.warnInvalid([]presence.Invalid{{Key: key, Err: err}})
				continue
			}
			prev, known := w.live[r.ID]
			w.observe(s.withInfo(ctx, r, prev, known, ev.Kv.ModRevision))
		}
		if w.done() {
			return true
		}
	}
	return false
}

// withInfo joins a status the watch delivered with its process's info
// (schema, identity), which the process writes apart and only when it
// changes: the one already known for the process (prev, if known), or
// else its info key as of the status's revision. A record that has its
// schema (a process of an older version writes it whole) is returned as
// it is.
func (s *session) withInfo(ctx context.Context, r, prev presence.Record, known bool, rev int64) presence.Record {
	if r.Flags != nil {
		return r
	}
	if known && prev.Flags != nil {
		return presence.Join(r, prev)
	}
	key := presence.InfoKey(s.g.flagPrefix(), r.ID)
	resp, err := s.client.Get(ctx, key, clientv3.WithRev(rev))
	if err != nil || len(resp.Kvs) == 0 {
		return r
	}
	info, err := presence.DecodeKey(s.g.flagPrefix(), key, resp.Kvs[0].Value)
	if err != nil {
		s.warnInvalid([]presence.Invalid{{Key: key, Err: err}})
		return r
	}
	return presence.Join(r, info)
}

// retryDelay spaces out attempts to read etcd again after a failure:
// 50ms doubling up to 1s.
type retryDelay struct{ next time.Duration }

func newRetryDelay() *retryDelay { return &retryDelay{next: 50 * time.Millisecond} }

func (r *retryDelay) reset() { r.next = 50 * time.Millisecond }

// wait sleeps for the next delay or until ctx ends.
func (r *retryDelay) wait(ctx context.Context) {
	t := time.NewTimer(r.next)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
	r.next = min(2*r.next, time.Second)
}

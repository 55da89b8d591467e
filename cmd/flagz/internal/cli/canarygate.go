package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/flagz-go/flagz/watcher/canary"
	"github.com/flagz-go/flagz/watcher/presence"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// gateResult is how a stage of a canary ended.
type gateResult struct {
	Processes []memberOutcome `json:"processes"`
	// Failed: a member refused the value, went DEGRADED, reported itself
	// unhealthy, went away, took no canary value, or did not report in
	// time.
	Failed bool `json:"failed"`
	// Ended says why the canary is no longer this command's: someone
	// aborted, promoted or replaced it.
	Ended       string `json:"ended,omitempty"`
	Interrupted bool   `json:"interrupted,omitempty"`
	err         error  // etcd could not be read until the wait ended
}

// gateState follows the members of one stage.
type gateState struct {
	st       stageOf
	bake     time.Duration
	timeout  time.Duration // how long a member may take to report the stage
	live     map[string]presence.Record
	order    []string // members in the order first seen
	seen     map[string]time.Time
	outcome  map[string]memberOutcome
	bakeEnd  time.Time // zero until every member applied
	progress func(format string, args ...any)
}

func newGateState(st stageOf, bake, timeout time.Duration, progress func(string, ...any)) *gateState {
	return &gateState{st: st, bake: bake, timeout: timeout, live: map[string]presence.Record{},
		seen: map[string]time.Time{}, outcome: map[string]memberOutcome{}, progress: progress}
}

// observe takes a process's record into account, if it is a member. A
// failure sticks: the stage halts on it.
func (g *gateState) observe(r presence.Record, now time.Time) {
	if !g.st.rec.Member(r.ID) {
		return
	}
	if _, ok := g.seen[r.ID]; !ok {
		g.seen[r.ID] = now
		g.order = append(g.order, r.ID)
	}
	g.live[r.ID] = r
	if prev, ok := g.outcome[r.ID]; ok && memberFailed(prev.Outcome) {
		return
	}
	g.outcome[r.ID] = g.st.judge(r)
}

// expire notes that a member's presence record is gone: its lease
// expired (a crash) or it stopped.
func (g *gateState) expire(id string) {
	r, ok := g.live[id]
	if !ok {
		return
	}
	delete(g.live, id)
	if prev := g.outcome[id]; !memberFailed(prev.Outcome) {
		g.outcome[id] = memberOutcome{ID: id, Outcome: memberGone, Revision: r.Revision, Updated: r.Updated,
			Reason: "its presence record went away: it crashed (its lease expired) or stopped"}
	}
}

// step decides the stage at now: failed, or every member applied and the
// bake is over (done); else when to decide again (zero: on the next
// record).
func (g *gateState) step(now time.Time) (done bool, wake time.Time) {
	if g.failed() {
		return true, time.Time{}
	}
	pending := false
	for _, id := range g.order {
		o := g.outcome[id]
		if _, live := g.live[id]; !live || o.Outcome != memberPending {
			continue
		}
		pending = true
		deadline := g.seen[id].Add(g.timeout)
		if !now.Before(deadline) {
			o.Outcome, o.Reason = memberLate, fmt.Sprintf("did not report revision %d within %v (--wait)", g.st.stageRev, g.timeout)
			g.outcome[id] = o
			return true, time.Time{}
		}
		if wake.IsZero() || deadline.Before(wake) {
			wake = deadline
		}
	}
	if pending {
		return false, wake
	}
	if g.bakeEnd.IsZero() {
		g.bakeEnd = now.Add(g.bake)
		if g.bake > 0 {
			g.progress("  applied by %s; baking %v", count(len(g.live), "member", "members"), g.bake)
		}
	}
	if now.Before(g.bakeEnd) {
		return false, g.bakeEnd
	}
	return true, time.Time{}
}

func (g *gateState) failed() bool {
	for _, o := range g.outcome {
		if memberFailed(o.Outcome) {
			return true
		}
	}
	return false
}

func (g *gateState) result() gateResult {
	res := gateResult{Failed: g.failed()}
	for _, id := range g.order {
		res.Processes = append(res.Processes, g.outcome[id])
	}
	return res
}

// gate follows the members of a stage (see stageOf) until they all
// applied the value and bake has passed since, or one of them fails it,
// or the canary's record, written at canaryRev, changes under the command
// (someone aborted, promoted or replaced the canary). Each member has
// timeout to report the stage from when it was first seen (the stage's
// start, for those live then). It reads the presence records, then
// follows them and the record with a watch from that read's revision;
// when the watch ends (a leader lost, a compaction, a broken connection)
// it reads them again and watches anew. A stage that passes is judged
// once more on a fresh read, so that it never passes on what a watch cut
// off from etcd last said; if etcd cannot be read for longer than timeout
// the stage fails: it cannot be judged. initial are the members' records
// the stage was computed from: one missing from the first read is gone.
func (s *session) gate(ctx context.Context, st stageOf, canaryRev int64, bake, timeout time.Duration, initial []presence.Record) gateResult {
	g := newGateState(st, bake, timeout, s.progressf)
	for _, r := range initial {
		g.observe(r, time.Now()) // a member gone before the first read is gone
	}
	retry := newRetryDelay()
	lastRead := time.Now()
	confirm := false // the stage looked decided: one more read, to judge it on what etcd says now
	for ctx.Err() == nil {
		now := time.Now()
		f, err := s.readFleet(ctx)
		var cur canaryView
		var exists bool
		if err == nil {
			cur, exists, err = s.readCanary(ctx, st.name)
		}
		if err != nil {
			if now.Sub(lastRead) > timeout {
				// etcd has not answered for longer than a member may take
				// to report: the stage cannot be judged.
				res := g.result()
				res.Failed, res.err = true, fmt.Errorf("%w; the canary stays in etcd at this stage (flagz canary abort %s ends it)", err, st.name)
				return res
			}
			retry.wait(ctx)
			continue
		}
		lastRead = now
		retry.reset()
		s.warnInvalid(f.invalid)
		if !exists || cur.ModRevision != canaryRev {
			res := g.result()
			res.Ended = s.endedBy(ctx, st.name, exists, cur)
			return res
		}
		seen := map[string]bool{}
		for _, r := range f.records {
			seen[r.ID] = true
			g.observe(r, now)
		}
		for id := range g.live {
			if !seen[id] {
				g.expire(id)
			}
		}
		if confirm {
			if done, _ := g.step(time.Now()); done {
				return g.result()
			}
			confirm = false
		}
		wctx, stop := context.WithCancel(clientv3.WithRequireLeader(ctx))
		records := s.client.Watch(wctx, presence.Prefix(s.g.flagPrefix()), clientv3.WithPrefix(), clientv3.WithRev(f.revision+1))
		record := s.client.Watch(wctx, canary.Key(s.g.prefix, st.name), clientv3.WithRev(f.revision+1))
		done, ended := s.followGate(wctx, g, records, record)
		stop()
		switch {
		case ended:
			res := g.result()
			v, ok, _ := s.readCanary(ctx, st.name)
			res.Ended = s.endedBy(ctx, st.name, ok, v)
			return res
		case done && g.failed():
			// A member may have reported a revision past a change of the
			// record the watch of the record has not delivered yet (an
			// abort: the member returned to the flag's value): the record
			// decides.
			res := g.result()
			if v, ok, err := s.readCanary(ctx, st.name); err == nil && (!ok || v.ModRevision != canaryRev) {
				res.Ended = s.endedBy(ctx, st.name, ok, v)
			}
			return res
		case done:
			confirm = true
		}
	}
	res := g.result()
	res.Interrupted = true
	return res
}

// followGate applies the watches' events to g until the stage is decided
// (done), the canary's record changes (ended) or a watch ends (neither).
func (s *session) followGate(ctx context.Context, g *gateState, records, record clientv3.WatchChan) (done, ended bool) {
	prefix := presence.Prefix(s.g.flagPrefix())
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		decided, wake := g.step(time.Now())
		if decided {
			return true, false
		}
		timer.Stop()
		if !wake.IsZero() {
			timer.Reset(time.Until(wake))
		}
		select {
		case <-ctx.Done():
			return false, false
		case <-timer.C:
		case resp, ok := <-record:
			if !ok || resp.Err() != nil {
				return false, false
			}
			if len(resp.Events) > 0 {
				return false, true
			}
		case resp, ok := <-records:
			if !ok || resp.Err() != nil {
				return false, false
			}
			for _, ev := range resp.Events {
				key := string(ev.Kv.Key)
				id := strings.TrimPrefix(key, prefix)
				if ev.Type == clientv3.EventTypeDelete {
					g.expire(id)
					continue
				}
				r, err := presence.DecodeKey(s.g.flagPrefix(), key, ev.Kv.Value)
				if err != nil {
					s.warnInvalid([]presence.Invalid{{Key: key, Err: err}})
					continue
				}
				prev, known := g.live[r.ID]
				g.observe(s.withInfo(ctx, r, prev, known, ev.Kv.ModRevision), time.Now())
			}
		}
	}
}

// endedBy says who ended or changed the canary of name under the command,
// from the change record beside the flag: the record is gone (exists
// false) or is cur.
func (s *session) endedBy(ctx context.Context, name string, exists bool, cur canaryView) string {
	what := "the canary's record is gone"
	if exists {
		what = fmt.Sprintf("the canary's record changed (revision %d)", cur.ModRevision)
	}
	if rec, ok := s.readChange(ctx, name); ok {
		what += fmt.Sprintf(": %s by %s at %s", rec.Action, rec.By, rec.At.Local().Format(time.TimeOnly))
		if rec.Reason != "" {
			what += " (" + rec.Reason + ")"
		}
	}
	return what
}

// progressf writes a line of a canary's progress, in text output only.
func (s *session) progressf(format string, args ...any) {
	if !s.json() {
		s.printf(format, args...)
	}
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/flagz-go/flagz"
)

// pendingWrite is a write of set or del that --wait follows.
type pendingWrite struct {
	name      string
	revision  int64
	deleted   bool     // a del: the key should be gone
	sensitive bool     // the flag's value must not be shown
	refusers  []string // processes pre-flight said refuse the value (set --force)
	wait      time.Duration
}

// changedSince reports whether the key now differs from what the write
// left.
func (wr pendingWrite) changedSince(now keyView) bool {
	if wr.deleted {
		return now.Exists
	}
	return !now.Exists || now.ModRevision != wr.revision
}

// awaited is what --wait found.
type awaited struct {
	wait *waitResult // nil without --wait
	now  *keyView    // the key after the wait, if it no longer holds the write
	err  error       // etcd failed before anything was seen
}

// awaitWrite is the end of set and del: with --wait it waits for the
// processes, then reads the key again, since a process's rollback or
// another writer may have changed it meanwhile, and then "applied" alone
// would mislead: with rollback on, the refusing process's record may no
// longer list its rejection, which its rollback's own revision cleared.
func (s *session) awaitWrite(ctx context.Context, wr pendingWrite) awaited {
	if wr.wait <= 0 {
		return awaited{}
	}
	w, err := s.waitFor(ctx, wr.name, wr.revision, wr.sensitive, wr.wait)
	a := awaited{wait: &w, err: err}
	if err == nil {
		if now, rerr := s.readKey(ctx, wr.name); rerr == nil && wr.changedSince(now) {
			a.now = &now
		}
	}
	return a
}

// printAwaited writes what --wait found as text.
func (s *session) printAwaited(wr pendingWrite, a awaited) {
	if a.wait == nil {
		return
	}
	printWait(s, *a.wait, wr.wait)
	now := a.now
	if now == nil {
		return
	}
	why := "a process that refuses it rolled it back, or another write came after"
	if len(wr.refusers) > 0 {
		why = fmt.Sprintf("rolled back, most likely by a process pre-flight said refuses it: %s; or another write came after",
			shortList(wr.refusers, 3))
	}
	switch {
	case !now.Exists:
		s.printf("the value did not stay: the key is gone (%s)", why)
	case wr.deleted:
		s.printf("the key is back since revision %d: another write came after", now.ModRevision)
	default:
		value := now.Value
		if wr.sensitive {
			value = flagz.Redacted
		}
		s.printf("the value did not stay: the key holds %s since revision %d (%s)", value, now.ModRevision, why)
	}
}

// exitError is the command's result: an error when etcd failed, a process
// rejected the write, the wait timed out, or the key no longer holds the
// write. In JSON the output has said it all already.
func (a awaited) exitError(json bool) error {
	failed := a.wait != nil && a.wait.failed()
	switch {
	case a.err != nil:
		return a.err
	case (failed || a.now != nil) && json:
		return errReported
	case failed:
		return errWaitFailed
	case a.now != nil:
		return errSuperseded
	}
	return nil
}

// errSuperseded: the key no longer holds what the command wrote.
var errSuperseded = errors.New("the write did not stay: the key changed after it")

// printWait writes the outcome of --wait as text.
func printWait(s *session, w waitResult, timeout time.Duration) {
	counts := map[string]int{}
	for _, p := range w.Processes {
		counts[p.Outcome]++
		detail := ""
		switch p.Outcome {
		case outcomeRejected:
			detail = ": " + p.Reason
		case outcomeNotAnswering:
			detail = fmt.Sprintf(" (last reported revision %d%s)", p.Revision, since(p.Updated))
		case outcomeIgnored, outcomeGone:
			detail = " (" + p.Reason + ")"
		}
		s.printf("  %-40s %s%s", p.ID, p.Outcome, detail)
	}
	var parts []string
	for _, o := range []string{outcomeApplied, outcomeRejected, outcomeIgnored, outcomeNotAnswering, outcomeGone} {
		if counts[o] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[o], o))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "no live process")
	}
	summary := strings.Join(parts, ", ")
	switch {
	case w.Interrupted:
		summary += "; interrupted before every process answered"
	case w.TimedOut:
		summary += fmt.Sprintf("; gave up after %v (--wait=DURATION waits longer)", timeout)
	}
	s.printf("revision %d: %s", w.Revision, summary)
}

// since says how long ago t was, as ", 3s ago".
func since(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return fmt.Sprintf(", %s ago", time.Since(t).Round(100*time.Millisecond))
}

// errWaitFailed: a process rejected the write, or the wait timed out.
var errWaitFailed = errors.New("not every process applied the write")

package cli

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/watcher/etcdtest"
	"github.com/flagz-go/flagz/watcher/presence"
)

// The first record at or past the write's revision decides a process's
// outcome; a rejection of the write seen in any record sticks; a record
// that expires first makes the process gone; the others, when the wait
// ends, are not answering.
func TestWaitStateOutcomes(t *testing.T) {
	rate := recordOf("x", serviceFlags(100)).Flags
	rec := func(id string, rev int64, rejections ...presence.Rejection) presence.Record {
		return presence.Record{ID: id, Revision: rev, Flags: rate, Rejections: rejections}
	}
	w := &waitState{name: "rate", revision: 10, live: map[string]presence.Record{},
		decided: map[string]processOutcome{}, gone: map[string]presence.Record{}}
	w.observe(rec("applied", 9))
	w.observe(rec("rejected", 9))
	w.observe(rec("slow", 8))
	w.observe(rec("dies", 8))
	w.observe(presence.Record{ID: "other", Revision: 12}) // declares no flag rate
	if w.done() {
		t.Fatal("done before anyone reported revision 10")
	}
	w.observe(rec("applied", 10))
	w.observe(rec("applied", 11, presence.Rejection{Flag: "rate", Revision: 11, Reason: "later"}))
	w.observe(rec("rejected", 11, presence.Rejection{Flag: "rate", Revision: 10, Reason: "too big"}))
	w.observe(rec("rejected", 12)) // the rejection cleared later: still rejected
	w.expire("dies")
	if w.done() {
		t.Fatal("done while slow has not reported")
	}
	got := map[string]processOutcome{}
	res := w.result(true)
	for _, p := range res.Processes {
		got[p.ID] = p
	}
	for id, want := range map[string]string{"applied": outcomeApplied, "rejected": outcomeRejected, "slow": outcomeNotAnswering,
		"dies": outcomeGone, "other": outcomeIgnored} {
		if got[id].Outcome != want {
			t.Errorf("%s: outcome %+v, want %s", id, got[id], want)
		}
	}
	if got["rejected"].Reason != "too big" || !res.TimedOut || !res.failed() {
		t.Errorf("result %+v", res)
	}
	w.observe(rec("slow", 10))
	if !w.done() || w.result(true).TimedOut {
		t.Error("not done once every live process reported")
	}
}

// A wait ended by the caller (Ctrl-C) says so instead of "gave up after".
func TestWaitInterrupted(t *testing.T) {
	srv, _ := etcd(t)
	eps := []string{srv.Endpoint()}
	proxy := etcdtest.NewProxy(t, srv)
	startProcess(t, []string{proxy.Endpoint()}, processOptions{})
	waitProcesses(t, eps, 1)
	proxy.Cut()
	ctx, cancel := context.WithCancel(t.Context())
	var stdout, stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"set", "rate", "7", "--wait=1m", "--endpoints=" + srv.Endpoint(), "--prefix=" + testPrefix}, &stdout, &stderr)
	}()
	eventually(t, "set --wait waiting", func() (bool, string) {
		return strings.Contains(stderr.String(), "waiting up to"), stderr.String()
	})
	cancel()
	r := result{code: <-done, stdout: stdout.String(), stderr: stderr.String()}
	want(t, r, ExitFailed, "1 not answering", "interrupted before every process answered")
}

// A process that marks the flag sensitive, seen at any point of the wait,
// makes --wait redact the refusal reasons of the processes that do not
// (another build: their reasons may quote the value); its own reason,
// which holds nothing of the value, is kept.
func TestWaitStateRedactsReasonsOnceAnyProcessMarksSensitive(t *testing.T) {
	plain := recordOf("x", serviceFlags(100)).Flags
	sensitive := slices.Clone(plain)
	for i := range sensitive {
		sensitive[i].Sensitive = sensitive[i].Sensitive || sensitive[i].Name == "rate"
	}
	w := &waitState{name: "rate", revision: 10, live: map[string]presence.Record{},
		decided: map[string]processOutcome{}, gone: map[string]presence.Record{}}
	w.observe(presence.Record{ID: "old", Revision: 10, Flags: plain,
		Rejections: []presence.Rejection{{Flag: "rate", Revision: 10, Reason: `value "s3cret" is no number`}}})
	if got := w.result(false).Processes[0].Reason; !strings.Contains(got, "s3cret") {
		t.Fatalf("reason %q before any process marks the flag sensitive", got)
	}
	w.observe(presence.Record{ID: "new", Revision: 10, Flags: sensitive,
		Rejections: []presence.Rejection{{Flag: "rate", Revision: 10, Reason: "not a valid dyn_int64"}}})
	for _, p := range w.result(false).Processes {
		if want := map[string]string{"old": flagz.Redacted, "new": "not a valid dyn_int64"}[p.ID]; p.Reason != want {
			t.Errorf("%s: reason %q, want %q", p.ID, p.Reason, want)
		}
	}
}

package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz/watcher/etcdtest"
)

// set waits for the fleet's answer without being asked: a value a custom
// validator refuses (pre-flight cannot run it, so it only warns) is
// written, then reported rejected by every process, with the reason, and
// the command exits with 1; with rollback on, the value did not stay. It
// never says "written" alone. A good value: every process applied it,
// exit 0; del waits the same way.
func TestSetWaitsForTheFleetByDefault(t *testing.T) {
	srv, c := etcd(t)
	eps := []string{srv.Endpoint()}
	startProcess(t, eps, processOptions{id: "keeper"})
	startProcess(t, eps, processOptions{id: "roller", rollback: true})
	waitProcesses(t, eps, 2)

	r := flagzAt(t, eps, "set", "mode", "slow")
	t.Log(r)
	want(t, r, ExitFailed, "warning: a custom validator pre-flight cannot check", "mode = slow",
		"waiting up to 1m0s for 2 live processes", "keeper", "roller", "rejected: ", "unknown mode slow: want fast or safe",
		"2 rejected", "the value did not stay")
	if v, ok := value(t, c, "mode"); ok {
		t.Errorf("the key holds %q, want it rolled back", v)
	}

	var out setOutput
	r = flagzAt(t, eps, "set", "mode", "slower", "-o", "json")
	decode(t, r, &out)
	if r.code != ExitFailed || !out.Written || out.Wait == nil || len(out.Wait.Processes) != 2 || out.Unconfirmed != "" {
		t.Fatalf("set -o json of a refused value: exit %d, %+v", r.code, out)
	}
	for _, p := range out.Wait.Processes {
		if p.Outcome != outcomeRejected || !strings.Contains(p.Reason, "unknown mode slower") {
			t.Errorf("set -o json: %s %s (%s), want rejected saying why", p.ID, p.Outcome, p.Reason)
		}
	}

	r = flagzAt(t, eps, "set", "mode", "safe")
	want(t, r, ExitOK, "mode = safe", "revision", "2 applied")
	r = flagzAt(t, eps, "del", "mode")
	want(t, r, ExitOK, "deleted mode", "2 applied")
	var d delOutput
	put(t, c, "mode", "safe")
	r = flagzAt(t, eps, "del", "mode", "-o", "json")
	decode(t, r, &d)
	if r.code != ExitOK || !d.Written || d.Wait == nil || len(d.Wait.Processes) != 2 || d.Wait.failed() {
		t.Errorf("del -o json: exit %d, %+v", r.code, d)
	}
}

// --no-wait writes after pre-flight and returns, saying that whether the
// processes take the value is not known (exit 0, even for a value they
// refuse: it was not asked); --wait and --no-wait together are a usage
// error. --wait alone, as old scripts give it, is the default.
func TestNoWait(t *testing.T) {
	srv, c := etcd(t)
	eps := []string{srv.Endpoint()}
	startProcess(t, eps, processOptions{})
	waitProcesses(t, eps, 1)

	r := flagzAt(t, eps, "set", "mode", "slow", "--no-wait")
	want(t, r, ExitOK, "mode = slow", "not waiting (--no-wait): whether the processes take revision", "is not known")
	if strings.Contains(r.stdout+r.stderr, "waiting up to") {
		t.Errorf("--no-wait waited:\n%v", r)
	}
	if v, _ := value(t, c, "mode"); v != "slow" {
		t.Errorf("set --no-wait wrote %q", v)
	}
	var out setOutput
	r = flagzAt(t, eps, "set", "mode", "safe", "--no-wait", "-o", "json")
	decode(t, r, &out)
	if r.code != ExitOK || !out.Written || out.Wait != nil || out.Unconfirmed != unconfirmedNoWait {
		t.Errorf("set --no-wait -o json: exit %d, %+v", r.code, out)
	}
	want(t, flagzAt(t, eps, "del", "mode", "--no-wait"), ExitOK, "deleted mode", "not waiting (--no-wait)")
	want(t, flagzAt(t, eps, "set", "mode", "safe", "--wait", "--no-wait"), ExitUsage, "--wait and --no-wait contradict each other")
	want(t, flagzAt(t, eps, "set", "mode", "fast", "--wait"), ExitOK, "1 applied")
	want(t, flagzAt(t, eps, "set", "mode", "safe", "--wait=20s"), ExitOK, "waiting up to 20s", "1 applied")
}

// With no live process publishing its presence, nobody can confirm a
// write: set (pre-flight) and del refuse, writing nothing, exit 1; with
// --force they write and say that nobody confirmed it, exit 0, --wait or
// not.
func TestNoLiveProcessToConfirm(t *testing.T) {
	srv, c := etcd(t)
	eps := []string{srv.Endpoint()}
	put(t, c, "gone", "x")
	want(t, flagzAt(t, eps, "set", "rate", "5"), ExitFailed, "no live process publishes its presence", "--force", "nothing written")
	want(t, flagzAt(t, eps, "del", "gone"), ExitFailed, "no live process publishes its presence", "--force", "nothing deleted")
	if _, ok := value(t, c, "rate"); ok {
		t.Error("a refused set wrote")
	}
	if _, ok := value(t, c, "gone"); !ok {
		t.Error("a refused del deleted")
	}
	for _, args := range [][]string{{"set", "rate", "5", "--force"}, {"set", "rate", "6", "--force", "--wait"}, {"del", "gone", "--force"}} {
		r := flagzAt(t, eps, args...)
		want(t, r, ExitOK, "nobody confirmed revision", "no live process publishes its presence under "+testPrefix+"@presence/",
			"(written with --force)")
	}
	var out setOutput
	r := flagzAt(t, eps, "set", "rate", "7", "--force", "-o", "json")
	decode(t, r, &out)
	if r.code != ExitOK || !out.Written || out.Wait != nil || out.Unconfirmed != unconfirmedNoProcess {
		t.Errorf("set --force -o json with no live process: exit %d, %+v", r.code, out)
	}
	var d delOutput
	r = flagzAt(t, eps, "del", "rate", "-o", "json")
	decode(t, r, &d)
	if r.code != ExitFailed || d.Written || !strings.Contains(d.Error, "no live process") {
		t.Errorf("del -o json with no live process: exit %d, %+v", r.code, d)
	}
}

// A process that goes away (its presence lease expires) before it reports
// the write leaves nobody to confirm it: the command says so and exits
// with 1, or 0 with --force.
func TestEveryProcessGoneBeforeConfirming(t *testing.T) {
	srv, _ := etcd(t)
	eps := []string{srv.Endpoint()}
	proxy := etcdtest.NewProxy(t, srv)
	startProcess(t, []string{proxy.Endpoint()}, processOptions{presenceTTL: 5 * time.Second})
	waitProcesses(t, eps, 1)
	proxy.Cut() // it hears nothing more, and its lease runs out
	r := flagzAt(t, eps, "set", "rate", "7")
	t.Log(r)
	want(t, r, ExitFailed, "1 gone", "nobody confirmed revision", "every live process went away before reporting it")
	if strings.Contains(r.stdout, "(written with --force)") {
		t.Errorf("without --force:\n%v", r)
	}
}

// The outcome of a wait decides the exit code: nobody confirming fails
// unless --force; a rejection, a timeout or a rolled-back value fail even
// with --force.
func TestAwaitedExitCode(t *testing.T) {
	gone := waitResult{Revision: 5, Processes: []processOutcome{{ID: "a", Outcome: outcomeGone}}}
	rejected := waitResult{Revision: 5, Processes: []processOutcome{{ID: "a", Outcome: outcomeRejected}, {ID: "b", Outcome: outcomeApplied}}}
	applied := waitResult{Revision: 5, Processes: []processOutcome{{ID: "a", Outcome: outcomeApplied}, {ID: "b", Outcome: outcomeGone}}}
	for _, c := range []struct {
		what string
		a    awaited
		want error
	}{
		{"all gone", awaited{wait: &gone, unconfirmed: unconfirmedAllGone}, errNobodyConfirmed},
		{"all gone, --force", awaited{wait: &gone, unconfirmed: unconfirmedAllGone, force: true}, nil},
		{"no process", awaited{unconfirmed: unconfirmedNoProcess}, errNobodyConfirmed},
		{"no process, --force", awaited{unconfirmed: unconfirmedNoProcess, force: true}, nil},
		{"--no-wait", awaited{unconfirmed: unconfirmedNoWait}, nil},
		{"rejected, --force", awaited{wait: &rejected, force: true}, errWaitFailed},
		{"applied by one, the other gone", awaited{wait: &applied}, nil},
		{"rolled back, --force", awaited{wait: &applied, now: &keyView{}, force: true}, errSuperseded},
	} {
		if got := c.a.exitError(false); got != c.want {
			t.Errorf("%s: exit error %v, want %v", c.what, got, c.want)
		}
	}
	if !gone.nobody() || rejected.nobody() || applied.nobody() || !(waitResult{}).nobody() {
		t.Error("nobody() is wrong")
	}
}

package cli

import (
	"github.com/flagz-go/flagz/watcher/etcdtest"
	"strings"
	"sync"
	"testing"
)

// ls lists every declared flag with its type, default, value in etcd and
// who holds it; status lists the processes and says they agree.
func TestLsAndStatus(t *testing.T) {
	srv, c := etcd(t)
	eps := []string{srv.Endpoint()}
	a := startProcess(t, eps, processOptions{})
	startProcess(t, eps, processOptions{})
	waitProcesses(t, eps, 2)

	want(t, flagzAt(t, eps, "set", "rate", "50", "--wait"), ExitOK, "2 applied")
	rev := put(t, c, "stray", "x") // a key no process declares
	_ = rev

	r := flagzAt(t, eps, "ls")
	t.Log(r)
	want(t, r, ExitOK, "2 live processes", "NAME", "rate", "dyn_int64", "50", "2 applied",
		"name", "dyn_string", "2 at default", "workers", "2 static", "stray", "none declares it")
	r = flagzAt(t, eps, "ls", "-o", "wide")
	t.Log(r)
	want(t, r, ExitOK, "DEFAULT", "HOLDING", "50 ×2", "4 ×2")
	var ls struct {
		Processes int
		Flags     []lsFlag
	}
	decode(t, flagzAt(t, eps, "ls", "-o", "json"), &ls)
	rows := map[string]lsFlag{}
	for _, f := range ls.Flags {
		rows[f.Name] = f
	}
	if got := rows["rate"]; ls.Processes != 2 || got.Etcd == nil || got.Etcd.Value != "50" || got.Holders.Applied != 2 ||
		!got.Dynamic || strings.Join(got.Types, ",") != "dyn_int64" || strings.Join(got.Defaults, ",") != "10" {
		t.Errorf("ls -o json rate = %+v (processes %d), want 50 applied by 2", got, ls.Processes)
	}
	if got := rows["rate"].Holders.Values; got["50"] != 2 || len(got) != 1 {
		t.Errorf("ls -o json rate values = %v, want 50 held by 2", got)
	}
	if got := rows["workers"]; got.Dynamic || got.Holders.Static != 2 {
		t.Errorf("ls -o json workers = %+v, want static in 2", got)
	}

	r = flagzAt(t, eps, "status")
	t.Log(r)
	want(t, r, ExitOK, "2 live processes", "PROCESS", "SERVING", "2 processes agree", "converged")
	var st statusOutput
	decode(t, flagzAt(t, eps, "status", "-o", "json"), &st)
	if !st.Converged || len(st.Processes) != 2 || len(st.Checksums) != 1 {
		t.Errorf("status -o json = %+v, want 2 processes converged on 1 checksum", st)
	}
	if a.rate.Get() != 50 {
		t.Errorf("rate = %d after set --wait, want 50", a.rate.Get())
	}
}

// Pre-flight refuses, writing nothing, a value a process would refuse
// (range, regex, parse error), a name no process declares and a static
// flag; --force writes anyway.
func TestSetPreflightRefuses(t *testing.T) {
	srv, c := etcd(t)
	eps := []string{srv.Endpoint()}
	startProcess(t, eps, processOptions{})
	waitProcesses(t, eps, 1)
	for _, tc := range []struct {
		name, value, reason string
	}{
		{"rate", "1000", "not in range [1, 100]"},
		{"rate", "many", "not a valid dyn_int64"},
		{"name", "UPPER", "^[a-z]+$"},
		{"nosuch", "1", `no live process declares a flag "nosuch"`},
		{"workers", "8", `"workers" is a static flag`},
	} {
		r := flagzAt(t, eps, "set", tc.name, tc.value)
		want(t, r, ExitFailed, "refused", tc.reason, "nothing written")
		if v, ok := value(t, c, tc.name); ok {
			t.Errorf("refused set %s=%s wrote %q", tc.name, tc.value, v)
		}
		var out setOutput
		r = flagzAt(t, eps, "set", tc.name, tc.value, "-o", "json")
		decode(t, r, &out)
		if r.code != ExitFailed || out.Written || len(out.Preflight.Refusals) != 1 || !strings.Contains(out.Preflight.Refusals[0].Reason, tc.reason) {
			t.Errorf("set %s=%s -o json: exit %d, %+v; want refused saying %q", tc.name, tc.value, r.code, out, tc.reason)
		}
	}
	r := flagzAt(t, eps, "set", "nosuch", "1", "--force")
	want(t, r, ExitOK, "warning (--force)", "nosuch = 1")
	if v, _ := value(t, c, "nosuch"); v != "1" {
		t.Errorf("set --force wrote %q, want 1", v)
	}
	want(t, flagzAt(t, eps, "set", "name", "good"), ExitOK, "name = good")
}

// A fleet that disagrees: pre-flight refuses what the stricter process
// would refuse, naming it; forced, --wait reports it rejecting (exit 1)
// and the other applying.
func TestSetWaitReportsRejection(t *testing.T) {
	srv, _ := etcd(t)
	eps := []string{srv.Endpoint()}
	lenient := startProcess(t, eps, processOptions{})
	strict := startProcess(t, eps, processOptions{maxRate: 10})
	waitProcesses(t, eps, 2)
	r := flagzAt(t, eps, "set", "rate", "50")
	t.Log(r)
	want(t, r, ExitFailed, "not in range [1, 10]", "1 of 2 processes", "nothing written")

	r = flagzAt(t, eps, "set", "rate", "50", "--force", "--wait")
	t.Log(r)
	want(t, r, ExitFailed, "applied", "rejected: ", "not in range [1, 10]", "1 applied, 1 rejected")
	if lenient.rate.Get() != 50 || strict.rate.Get() != 10 {
		t.Errorf("rate = %d and %d, want 50 applied by the lenient one, 10 kept by the strict one", lenient.rate.Get(), strict.rate.Get())
	}
	var out setOutput
	r = flagzAt(t, eps, "set", "rate", "60", "--force", "--wait", "-o", "json")
	decode(t, r, &out)
	if r.code != ExitFailed || out.Wait == nil || len(out.Wait.Processes) != 2 {
		t.Fatalf("set --wait -o json: exit %d, %+v", r.code, out)
	}
	for _, p := range out.Wait.Processes {
		if wantOutcome := map[bool]string{true: outcomeRejected, false: outcomeApplied}[p.Outcome == outcomeRejected]; p.Outcome != wantOutcome {
			t.Errorf("outcome %+v", p)
		}
	}
	want(t, flagzAt(t, eps, "set", "rate", "5", "--wait"), ExitOK, "2 applied")
	want(t, flagzAt(t, eps, "del", "rate", "--wait"), ExitOK, "deleted rate", "2 applied")
	if lenient.rate.Get() != 10 || strict.rate.Get() != 10 {
		t.Errorf("after del rate = %d and %d, want the default 10", lenient.rate.Get(), strict.rate.Get())
	}
}

// Two operators read the same revision and set the flag with
// --if-revision at once: one wins, the other is told and writes nothing.
func TestIfRevisionRace(t *testing.T) {
	srv, c := etcd(t)
	eps := []string{srv.Endpoint()}
	startProcess(t, eps, processOptions{})
	waitProcesses(t, eps, 1)
	rev := put(t, c, "rate", "20")

	var wg sync.WaitGroup
	results := make([]result, 2)
	for i, v := range []string{"30", "40"} {
		wg.Go(func() { results[i] = flagzAt(t, eps, "set", "rate", v, "--if-revision="+itoa64(rev)) })
	}
	wg.Wait()
	winner, loser := results[0], results[1]
	if winner.code != ExitOK {
		winner, loser = loser, winner
	}
	want(t, winner, ExitOK, "revision")
	t.Log(loser)
	want(t, loser, ExitFailed, "rate changed since revision "+itoa64(rev), "nothing written")
	got, _ := value(t, c, "rate")
	if !strings.Contains(winner.stdout, "rate = "+got) {
		t.Errorf("the key holds %q, not the winner's value:\n%v", got, winner)
	}
	want(t, flagzAt(t, eps, "set", "fresh", "1", "--force", "--if-revision=0"), ExitOK)
	want(t, flagzAt(t, eps, "set", "fresh", "2", "--force", "--if-revision=0"), ExitFailed, "exists already")
}

// --wait gives up after its duration, naming the process that did not
// answer, and exits with 1.
func TestWaitTimesOut(t *testing.T) {
	srv, _ := etcd(t)
	eps := []string{srv.Endpoint()}
	startProcess(t, eps, processOptions{})
	proxy := etcdtest.NewProxy(t, srv)
	startProcess(t, []string{proxy.Endpoint()}, processOptions{})
	waitProcesses(t, eps, 2)
	proxy.Cut() // the second process is cut off: its record stays until its lease expires
	r := flagzAt(t, eps, "set", "rate", "7", "--wait=300ms")
	want(t, r, ExitFailed, "1 applied, 1 not answering", "gave up after 300ms")
}

// With rollback on, a process that refuses a forced value rolls it back:
// set --wait reports that process as rejecting, with the reason, even when
// the rollback ended the rejection before a record listing it was written,
// says the value did not stay, and exits with 1.
func TestSetWaitRolledBack(t *testing.T) {
	srv, c := etcd(t)
	eps := []string{srv.Endpoint()}
	startProcess(t, eps, processOptions{})
	startProcess(t, eps, processOptions{maxRate: 10, rollback: true})
	waitProcesses(t, eps, 2)
	r := flagzAt(t, eps, "set", "rate", "50", "--force", "--wait")
	t.Log(r)
	want(t, r, ExitFailed, "the value did not stay", "rolled back", "1 applied, 1 rejected", "not in range [1, 10]")
	if v, ok := value(t, c, "rate"); ok {
		t.Errorf("the key holds %q, want it deleted by the rollback", v)
	}
	var out setOutput
	r = flagzAt(t, eps, "set", "rate", "60", "--force", "--wait", "-o", "json")
	decode(t, r, &out)
	if r.code != ExitFailed || out.Now == nil || out.Now.Exists {
		t.Errorf("set --wait -o json of a rolled-back value: exit %d, now %+v", r.code, out.Now)
	}
	rejected := 0
	for _, p := range out.Wait.Processes {
		if p.Outcome == outcomeRejected {
			rejected++
		}
	}
	if rejected != 1 {
		t.Errorf("set --wait -o json of a rolled-back value: %d processes rejected, want the one that rolled it back: %+v", rejected, out.Wait.Processes)
	}
}

// A sensitive flag's value never shows unless asked: get says [redacted]
// (--reveal prints it), ls too, and a refusal gives the reason without it.
func TestSensitiveFlag(t *testing.T) {
	srv, c := etcd(t)
	eps := []string{srv.Endpoint()}
	startProcess(t, eps, processOptions{})
	waitProcesses(t, eps, 1)
	want(t, flagzAt(t, eps, "set", "token", "sk-hunter2", "--wait"), ExitOK, "token = [redacted]", "1 applied")
	if v, _ := value(t, c, "token"); v != "sk-hunter2" {
		t.Fatalf("the key holds %q", v)
	}
	for _, args := range [][]string{{"get", "token"}, {"get", "token", "-o", "json"}, {"ls"}, {"ls", "-o", "json"}, {"status", "-o", "json"}} {
		r := flagzAt(t, eps, args...)
		if r.code != ExitOK || strings.Contains(r.stdout+r.stderr, "hunter2") {
			t.Errorf("flagz %v shows the sensitive value, or failed:\n%v", args, r)
		}
	}
	want(t, flagzAt(t, eps, "get", "token", "--reveal"), ExitOK, "token = sk-hunter2")
	for _, args := range [][]string{
		{"set", "token", "sk-other", "--if-revision=1"}, {"set", "token", "sk-other", "--if-revision=1", "-o", "json"},
		{"del", "token", "--if-revision=1"}, {"del", "token", "--if-revision=1", "-o", "json"},
	} {
		r := flagzAt(t, eps, args...)
		if r.code != ExitFailed || strings.Contains(r.stdout+r.stderr, "hunter2") || !strings.Contains(r.stdout+r.stderr, "[redacted]") {
			t.Errorf("flagz %v: a lost race shows the sensitive value, or did not fail:\n%v", args, r)
		}
	}
	r := flagzAt(t, eps, "set", "token", "hunter3")
	want(t, r, ExitFailed, "refused", "nothing written")
	if strings.Contains(r.stdout+r.stderr, "hunter3") {
		t.Errorf("a refused sensitive value shows:\n%v", r)
	}
}

// An etcd outage with a fleet: set fails at once naming etcd, writes
// nothing, and the processes keep their value; once etcd is back, the same
// set works and reaches them.
func TestOutageWithFleet(t *testing.T) {
	srv, c := etcd(t)
	eps := []string{srv.Endpoint()}
	p := startProcess(t, eps, processOptions{})
	waitProcesses(t, eps, 1)
	want(t, flagzAt(t, eps, "set", "rate", "20", "--wait"), ExitOK, "1 applied")
	srv.Stop()
	r := flagzAt(t, eps, "set", "rate", "30", "--wait", "--command-timeout=300ms")
	want(t, r, ExitFailed, "connection refused", "nothing written")
	srv.Restart()
	if v, _ := value(t, c, "rate"); v != "20" || p.rate.Get() != 20 {
		t.Fatalf("after the outage the key holds %q and the process %d, want 20 kept", v, p.rate.Get())
	}
	waitProcesses(t, eps, 1)
	want(t, flagzAt(t, eps, "set", "rate", "30", "--wait"), ExitOK, "1 applied")
	if p.rate.Get() != 30 {
		t.Errorf("rate = %d, want 30", p.rate.Get())
	}
}

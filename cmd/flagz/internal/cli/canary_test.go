package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/watcher/canary"
	"github.com/flagz-go/flagz/watcher/change"
	"github.com/flagz-go/flagz/watcher/etcdtest"
	"github.com/flagz-go/flagz/watcher/presence"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// fleetOf starts n processes (o for each, by index) and waits until
// status sees them; it returns them with their presence ids.
func fleetOf(t *testing.T, eps []string, n int, o func(i int) processOptions) ([]*process, []string) {
	t.Helper()
	var ps []*process
	var ids []string
	for i := range n {
		opts := processOptions{}
		if o != nil {
			opts = o(i)
		}
		if opts.id == "" {
			opts.id = fmt.Sprintf("proc-%02d", i)
		}
		ps = append(ps, startProcess(t, eps, opts))
		ids = append(ids, opts.id)
	}
	waitProcesses(t, eps, n)
	return ps, ids
}

// saltFirst returns a salt for which id comes first among ids: it is in
// the first stage of a canary of that salt.
func saltFirst(ids []string, id string) string {
	for i := 0; ; i++ {
		salt := fmt.Sprintf("salt-%d", i)
		b := canary.Bucket(salt, id)
		first := true
		for _, other := range ids {
			if other != id && canary.Bucket(salt, other) < b {
				first = false
				break
			}
		}
		if first {
			return salt
		}
	}
}

// A good value goes through the stages, each holding ⌈share·N⌉ of the
// processes, nested, and is promoted: every process holds it, the canary
// record is gone, history shows each step with its author and reason.
func TestCanaryPromotes(t *testing.T) {
	srv, c := etcd(t)
	eps := []string{srv.Endpoint()}
	ps, _ := fleetOf(t, eps, 8, nil)
	var out canaryOutput
	r := flagzAt(t, eps, "set", "rate", "50", "--canary=25%,50%,100%", "--reason=try 50", "--author=alice", "-o", "json")
	decode(t, r, &out)
	if r.code != ExitOK || !out.Promoted || len(out.Run) != 2 {
		t.Fatalf("set --canary: exit %d, %+v\n%v", r.code, out, r)
	}
	var prev []string
	for i, want := range []int{2, 4} {
		so := out.Run[i]
		var members []string
		for _, m := range so.Processes {
			if m.Outcome != memberApplied {
				t.Errorf("stage %d: %s %s", i+1, m.ID, m.Outcome)
			}
			members = append(members, m.ID)
		}
		if so.Members != want || len(members) != want || so.Live != 8 {
			t.Errorf("stage %d: %d of %d members (%v), want %d of 8", i+1, so.Members, so.Live, members, want)
		}
		for _, id := range prev {
			if !slices.Contains(members, id) {
				t.Errorf("stage %d: %s of the stage before left it", i+1, id)
			}
		}
		prev = members
	}
	if out.Wait == nil || len(out.Wait.Processes) != 8 || out.Wait.failed() {
		t.Errorf("the wait after promotion: %+v", out.Wait)
	}
	for _, p := range ps {
		if p.rate.Get() != 50 {
			t.Errorf("rate = %d after promotion", p.rate.Get())
		}
	}
	if v, _ := value(t, c, "rate"); v != "50" {
		t.Errorf("the flag's key holds %q", v)
	}
	want(t, flagzAt(t, eps, "canary", "status"), ExitOK, "no canary under")
	var h historyOutput
	decode(t, flagzAt(t, eps, "history", "rate", "-o", "json"), &h)
	var actions []string
	for _, e := range h.Entries {
		actions = append(actions, e.Action)
		if e.By != "alice" || (e.Action != change.ActionPromote && e.Reason != "try 50") {
			t.Errorf("history entry %+v", e)
		}
	}
	if strings.Join(actions, ",") != "canary,stage,promote" {
		t.Errorf("history actions %v", actions)
	}
	// Text output says it all.
	r = flagzAt(t, eps, "set", "rate", "60", "--canary=50%,100%")
	want(t, r, ExitOK, "stage 1 of 2 (50%): 4 of 8 processes", "promoted: rate = 60", "8 applied")
}

// A value one process of the first stage refuses halts the canary there:
// the command aborts it, names the process and why, and exits with 1; no
// process outside the stage ever held the value, and the flag's key is
// never touched (no rollback over it).
func TestCanaryHaltsOnRefusal(t *testing.T) {
	srv, c := etcd(t)
	eps := []string{srv.Endpoint()}
	ps, ids := fleetOf(t, eps, 6, func(i int) processOptions {
		o := processOptions{rollback: true}
		if i == 3 {
			o.refuseMode = "safe"
		}
		return o
	})
	keyRev := put(t, c, "mode", "fast")
	_ = ps
	salt := saltFirst(ids, ids[3])
	r := flagzAt(t, eps, "set", "mode", "safe", "--canary=10%,50%,100%", "--canary-salt="+salt)
	t.Log(r)
	want(t, r, ExitFailed, "stage 1 of 3 (10%): 1 of 6 processes", "halted at stage 1 of 3", ids[3]+" refused",
		"not in this build", "canary aborted")
	inCanary := false
	for _, r := range presenceHistory(t, c, keyRev) {
		if r.ID != ids[3] && (r.Values["mode"] == "safe" || r.Canary["mode"] != 0) {
			t.Errorf("%s, outside the stage, published %q (canary %v)", r.ID, r.Values["mode"], r.Canary)
		}
		inCanary = inCanary || (r.ID == ids[3] && r.Canary["mode"] != 0)
	}
	if !inCanary {
		t.Errorf("%s, the stage's member, never published that it is in the canary", ids[3])
	}
	if v, _ := value(t, c, "mode"); v != "fast" {
		t.Errorf("the flag's key holds %q, want fast", v)
	}
	resp, err := c.Get(context.Background(), testPrefix+"/mode")
	if err != nil || resp.Kvs[0].ModRevision != keyRev {
		t.Errorf("the flag's key was written (rolled back?) during the canary: %v %v", resp, err)
	}
	want(t, flagzAt(t, eps, "canary", "status"), ExitOK, "no canary under")
}

// presenceHistory returns every presence status written since revision
// from, from etcd's history.
func presenceHistory(t *testing.T, c *clientv3.Client, from int64) []presence.Record {
	t.Helper()
	s := &session{g: &globals{prefix: testPrefix, commandTimeout: testTimeout}, stdout: io.Discard, stderr: io.Discard, client: c}
	resp, err := c.Get(t.Context(), "x")
	if err != nil {
		t.Fatal(err)
	}
	events, compacted, err := s.replayKey(t.Context(), presence.Prefix(testPrefix), from, resp.Header.Revision, clientv3.WithPrefix())
	if err != nil || compacted != 0 {
		t.Fatalf("replay the presence records: %v (compacted %d)", err, compacted)
	}
	var out []presence.Record
	for _, ev := range events {
		if ev.Type == clientv3.EventTypePut {
			r, err := presence.Decode(ev.Kv.Value)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		t.Fatal("no presence record in the history")
	}
	return out
}

// A health check that turns bad once the value is applied halts the
// canary: the member is named with its reason, and it returns to the
// flag's value.
func TestCanaryHaltsOnHealth(t *testing.T) {
	srv, _ := etcd(t)
	eps := []string{srv.Endpoint()}
	var sick atomic.Pointer[process]
	ps, ids := fleetOf(t, eps, 5, func(i int) processOptions {
		if i != 2 {
			return processOptions{}
		}
		return processOptions{health: func(context.Context) error {
			if p := sick.Load(); p != nil && p.rate.Get() == 77 {
				return errors.New("errors doubled since rate is 77")
			}
			return nil
		}}
	})
	sick.Store(ps[2])
	r := flagzAt(t, eps, "set", "rate", "77", "--canary=20%,100%", "--canary-salt="+saltFirst(ids, ids[2]), "--bake=30s")
	t.Log(r)
	want(t, r, ExitFailed, "halted at stage 1 of 2", ids[2]+" unhealthy: errors doubled since rate is 77", "canary aborted")
	for i, p := range ps {
		if p.rate.Get() != 10 {
			t.Errorf("process %d: rate = %d after the halt, want 10 (the default)", i, p.rate.Get())
		}
	}
	// Healthy again, status no longer lists it.
	eventually(t, "the process healthy again", func() (bool, string) {
		r := flagzAt(t, eps, "status")
		return !strings.Contains(r.stdout, "unhealthy"), r.String()
	})
}

// A canary lives in etcd: a command interrupted during a stage leaves it
// there; status, ls and canary status show it; a second operator's set,
// del, undo or canary of the flag is refused unless --force; canary
// promote and abort end it, guarded.
func TestCanaryOutlivesItsCommand(t *testing.T) {
	srv, c := etcd(t)
	eps := []string{srv.Endpoint()}
	ps, ids := fleetOf(t, eps, 4, nil)
	put(t, c, "rate", "20")
	salt := saltFirst(ids, ids[1])

	ctx, cancel := context.WithCancel(t.Context())
	var stdout, stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"--endpoints=" + eps[0], "--prefix=" + testPrefix, "set", "rate", "30",
			"--canary=25%,100%", "--bake=1h", "--canary-salt=" + salt, "--reason=slow rollout"}, &stdout, &stderr)
	}()
	eventually(t, "the command baking stage 1", func() (bool, string) {
		return strings.Contains(stdout.String(), "baking 1h"), stdout.String() + stderr.String()
	})
	cancel()
	if code := <-done; code != ExitFailed || !strings.Contains(stdout.String(), "interrupted at stage 1 of 2 (25%): the canary stays") {
		t.Fatalf("interrupted: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	if ps[1].rate.Get() != 30 || ps[0].rate.Get() != 20 {
		t.Fatalf("rate = %d in the member, %d in another; want 30 and 20", ps[1].rate.Get(), ps[0].rate.Get())
	}
	// The member's page says whose canary gave it the value, and why.
	if st, _ := flagz.EngineFor(ps[1].fs).Flag("rate"); st.LastChange == nil ||
		!strings.Contains(st.LastChange.Comment, "slow rollout [canary: stage 1 of 2 (25%: 1 of 4 processes)]") {
		t.Errorf("the member's last change of rate = %+v", st.LastChange)
	}
	r := flagzAt(t, eps, "canary", "status")
	want(t, r, ExitOK, "canary of rate = 30: stage 1 of 25%,100% (25%: 1 of 4 processes)", "slow rollout", ids[1], "applied")
	want(t, flagzAt(t, eps, "ls"), ExitOK, "canary of rate = 30")
	want(t, flagzAt(t, eps, "status"), ExitOK, "canary of rate = 30")
	var st statusOutput
	decode(t, flagzAt(t, eps, "status", "-o", "json"), &st)
	if len(st.Canaries) != 1 || len(st.Canaries[0].Processes) != 1 || st.Canaries[0].Processes[0].ID != ids[1] {
		t.Errorf("status -o json canaries = %+v", st.Canaries)
	}
	for _, args := range [][]string{
		{"set", "rate", "40"},
		{"set", "rate", "40", "--canary=50%,100%"},
		{"del", "rate"},
		{"undo", "rate"},
	} {
		want(t, flagzAt(t, eps, args...), ExitFailed, "rate is under a canary", "stage 1 of 2", "nothing written")
	}
	if v, _ := value(t, c, "rate"); v != "20" {
		t.Fatalf("a refused write changed the key: %q", v)
	}
	// Promote by hand: the flag's key, every process.
	r = flagzAt(t, eps, "canary", "promote", "rate", "--reason=looks good")
	want(t, r, ExitOK, "promoted the canary of rate", "4 applied")
	for _, p := range ps {
		if p.rate.Get() != 30 {
			t.Errorf("after promote rate = %d", p.rate.Get())
		}
	}
	want(t, flagzAt(t, eps, "canary", "promote", "rate"), ExitFailed, "no canary")
	want(t, flagzAt(t, eps, "canary", "abort", "rate"), ExitFailed, "no canary")

	// A second canary, aborted by another operator while the first
	// command bakes: the command says who ended it.
	ctx, cancel = context.WithCancel(t.Context())
	defer cancel()
	stdout, stderr = lockedBuffer{}, lockedBuffer{}
	go func() {
		done <- Run(ctx, []string{"--endpoints=" + eps[0], "--prefix=" + testPrefix, "set", "rate", "35",
			"--canary=25%,100%", "--bake=1h", "--canary-salt=" + salt}, &stdout, &stderr)
	}()
	eventually(t, "the command baking stage 1", func() (bool, string) {
		return strings.Contains(stdout.String(), "baking 1h"), stdout.String() + stderr.String()
	})
	r = flagzAt(t, eps, "canary", "abort", "rate", "--author=bob", "--reason=not now")
	want(t, r, ExitOK, "aborted the canary of rate", "4 applied")
	if code := <-done; code != ExitFailed || !strings.Contains(stdout.String(), "abort by bob") || !strings.Contains(stdout.String(), "not now") {
		t.Fatalf("the first command after another's abort: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	if ps[1].rate.Get() != 30 {
		t.Errorf("after abort the member's rate = %d, want 30", ps[1].rate.Get())
	}
	// --force writes over a canary, and ends it.
	go func() {
		done <- Run(t.Context(), []string{"--endpoints=" + eps[0], "--prefix=" + testPrefix, "set", "rate", "36",
			"--canary=25%,100%", "--bake=1h", "--canary-salt=" + salt}, io.Discard, io.Discard)
	}()
	eventually(t, "a canary", func() (bool, string) {
		r := flagzAt(t, eps, "canary", "status")
		return strings.Contains(r.stdout, "canary of rate = 36"), r.String()
	})
	want(t, flagzAt(t, eps, "set", "rate", "45", "--force"), ExitOK, "ended the canary of rate", "4 applied")
	if code := <-done; code != ExitFailed {
		t.Errorf("the canary's command after a forced set: exit %d", code)
	}
	for _, p := range ps {
		if p.rate.Get() != 45 {
			t.Errorf("after a forced set rate = %d", p.rate.Get())
		}
	}
}

// Two operators start a canary of one flag at once: one begins it, the
// other is refused, writing nothing; the canary is the winner's.
func TestCanaryTwoOperators(t *testing.T) {
	srv, _ := etcd(t)
	eps := []string{srv.Endpoint()}
	fleetOf(t, eps, 4, nil)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	type run struct {
		value          string
		code           int
		stdout, stderr *lockedBuffer
	}
	done := make(chan run, 2)
	for _, v := range []string{"31", "32"} {
		go func() {
			r := run{value: v, stdout: &lockedBuffer{}, stderr: &lockedBuffer{}}
			r.code = Run(ctx, []string{"--endpoints=" + eps[0], "--prefix=" + testPrefix, "set", "rate", v,
				"--canary=50%,100%", "--bake=1h", "--author=op-" + v}, r.stdout, r.stderr)
			done <- r
		}()
	}
	loser := <-done // the winner bakes for an hour
	if loser.code != ExitFailed || !strings.Contains(loser.stderr.String(), "rate is under a canary") ||
		!strings.Contains(loser.stderr.String(), "nothing written") {
		t.Fatalf("the second operator: exit %d\n%s%s", loser.code, loser.stdout, loser.stderr)
	}
	winner := map[string]string{"31": "32", "32": "31"}[loser.value]
	r := flagzAt(t, eps, "canary", "status")
	want(t, r, ExitOK, "canary of rate = "+winner, "by op-"+winner)
	cancel()
	if w := <-done; w.code != ExitFailed || !strings.Contains(w.stdout.String(), "interrupted") {
		t.Fatalf("the winner, interrupted: exit %d\n%s%s", w.code, w.stdout, w.stderr)
	}
	want(t, flagzAt(t, eps, "canary", "abort", "rate"), ExitOK, "aborted")
}

// etcd out of the command's reach in the middle of a stage: the processes
// keep what they hold (the stage's the canary's value, the others the
// flag's); the command cannot judge the stage, says so and exits with 1,
// and the canary stays in etcd, where canary status shows it and abort
// ends it once etcd answers again.
func TestCanaryEtcdOutage(t *testing.T) {
	srv, c := etcd(t)
	eps := []string{srv.Endpoint()}
	ps, ids := fleetOf(t, eps, 4, nil)
	put(t, c, "rate", "20")
	proxy := etcdtest.NewProxy(t, srv)
	var stdout, stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(t.Context(), []string{"--endpoints=" + proxy.Endpoint(), "--prefix=" + testPrefix, "--command-timeout=500ms",
			"set", "rate", "30", "--canary=25%,100%", "--bake=1s", "--wait=2s", "--canary-salt=" + saltFirst(ids, ids[2])}, &stdout, &stderr)
	}()
	eventually(t, "the command baking stage 1", func() (bool, string) {
		return strings.Contains(stdout.String(), "baking 1s"), stdout.String() + stderr.String()
	})
	proxy.Cut()
	code := <-done
	r := result{code: code, stdout: stdout.String(), stderr: stderr.String()}
	t.Log(r)
	want(t, r, ExitFailed, "halted at stage 1 of 2", "the canary stays in etcd")
	if ps[2].rate.Get() != 30 || ps[0].rate.Get() != 20 {
		t.Errorf("during the outage rate = %d in the member, %d in another; want 30 and 20", ps[2].rate.Get(), ps[0].rate.Get())
	}
	proxy.Restore()
	want(t, flagzAt(t, eps, "canary", "status"), ExitOK, "canary of rate = 30", ids[2], "applied")
	want(t, flagzAt(t, eps, "canary", "abort", "rate"), ExitOK, "aborted", "4 applied")
	if ps[2].rate.Get() != 20 {
		t.Errorf("after abort the member's rate = %d, want 20", ps[2].rate.Get())
	}
}

// A process that starts during a canary joins it or not by the rule, from
// its presence id and the record alone: a member takes the canary's value
// at its initial load, the others the flag's.
func TestCanaryNewcomerJoinsByTheRule(t *testing.T) {
	srv, c := etcd(t)
	eps := []string{srv.Endpoint()}
	fleetOf(t, eps, 4, nil)
	put(t, c, "rate", "20")
	ctx, cancel := context.WithCancel(t.Context())
	var stdout, stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"--endpoints=" + eps[0], "--prefix=" + testPrefix, "set", "rate", "30",
			"--canary=50%,100%", "--bake=1h"}, &stdout, &stderr)
	}()
	eventually(t, "the command baking stage 1", func() (bool, string) {
		return strings.Contains(stdout.String(), "baking 1h"), stdout.String() + stderr.String()
	})
	resp, err := c.Get(t.Context(), canary.Key(testPrefix, "rate"))
	if err != nil || len(resp.Kvs) != 1 {
		t.Fatalf("the canary record: %v", err)
	}
	rec, err := canary.DecodeKey(testPrefix, string(resp.Kvs[0].Key), resp.Kvs[0].Value)
	if err != nil {
		t.Fatal(err)
	}
	in, out := 0, 0
	for i := 0; in == 0 || out == 0; i++ {
		id := fmt.Sprintf("late-%02d", i)
		p := startProcess(t, eps, processOptions{id: id})
		want := int64(20)
		if rec.Member(id) {
			want, in = 30, in+1
		} else {
			out++
		}
		if got := p.rate.Get(); got != want {
			t.Errorf("%s (member %v) started with rate %d, want %d", id, rec.Member(id), got, want)
		}
	}
	// The gate judges the newcomers too: status lists the members.
	eventually(t, "canary status lists the late member", func() (bool, string) {
		r := flagzAt(t, eps, "canary", "status")
		return strings.Count(r.stdout, "applied") == rec.Members+in, r.String()
	})
	cancel()
	<-done
	want(t, flagzAt(t, eps, "canary", "abort", "rate"), ExitOK, "aborted")
}

package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz/examples/internal/demo"
	"github.com/flagz-go/flagz/examples/internal/demotest"
	"github.com/flagz-go/flagz/watcher/etcdtest"
)

// canaryOut is the part of flagz set --canary -o json the tests read.
type canaryOut struct {
	Promoted bool
	Halted   string
	Aborted  int64 `json:"aborted_revision"`
	Run      []struct {
		Stage, Members, Live int
		Revision             int64
		Processes            []struct{ ID, Outcome, Reason string }
	} `json:"stages_run"`
	Wait struct {
		Processes []struct{ ID, Outcome string }
	}
}

// TestCanaryEndToEnd drives a fleet of 20 (four demo binaries, one of
// them stricter about rate_limit, and in-process followers) on one etcd
// with the built flagz command only: a good value promotes through three
// stages; a value the stage's process refuses halts at stage 1, and no
// process outside the stage ever held it; a health check that turns bad
// once the value is applied halts and reverts; a member killed during the
// bake halts; a command killed mid-canary leaves a canary that status,
// ls and canary status show and abort ends; two operators at once; history
// and undo after writes by two users.
func TestCanaryEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the demo binary and the flagz command")
	}
	srv := etcdtest.Start(t)
	f := startCanaryFleet(t, []string{srv.Endpoint()}, nil, []string{"--rate-limit-max=100"}, nil, nil)
	strict, healthy, doomed := f.demoIDs[1], f.demoIDs[0], f.demoIDs[2]

	t.Run("promotes through three stages", func(t *testing.T) {
		r := f.fz.run("set", demo.FlagGreeting, "hello, canary", "--canary=5%,25%,100%", "--reason=new greeting", "-o", "json")
		var out canaryOut
		r.decode(t, &out)
		if r.code != 0 || !out.Promoted || len(out.Run) != 2 {
			t.Fatalf("set --canary: %s", r)
		}
		if out.Run[0].Members != 1 || out.Run[1].Members != 5 || out.Run[0].Live != canaryFleetSize {
			t.Errorf("stages of %d and %d of %d, want 1 and 5 of 20", out.Run[0].Members, out.Run[1].Members, out.Run[0].Live)
		}
		first := out.Run[0].Processes[0].ID
		nested := false
		for _, p := range out.Run[1].Processes {
			nested = nested || p.ID == first
			if p.Outcome != "applied" {
				t.Errorf("stage 2: %s %s", p.ID, p.Outcome)
			}
		}
		if !nested {
			t.Errorf("%s, in stage 1, is not in stage 2", first)
		}
		if n := len(out.Wait.Processes); n != canaryFleetSize {
			t.Errorf("the wait after promotion saw %d processes", n)
		}
		if n := f.holding(demo.FlagGreeting, "hello, canary"); n != canaryFleetSize {
			t.Errorf("%d processes hold the value after promotion, want %d", n, canaryFleetSize)
		}
		f.fz.run("canary", "status").want(t, 0, "no canary")
	})

	t.Run("a refusal halts stage 1", func(t *testing.T) {
		from := f.revision()
		r := f.fz.run("set", demo.FlagRateLimit, "500", "--canary=5%,25%,100%", "--force", "--canary-salt="+saltFirst(f.ids, strict))
		r.want(t, 1, "stage 1 of 3 (5%): 1 of 20 processes", "halted at stage 1 of 3", strict+" refused",
			"not in range [1, 100]", "canary aborted")
		f.fz.run("get", demo.FlagRateLimit).want(t, 1, "no value in etcd") // never written, never rolled back
		took := false
		for _, rec := range f.statuses(from) {
			if rec.ID != strict && (rec.Values[demo.FlagRateLimit] == "500" || rec.Canary[demo.FlagRateLimit] != 0) {
				t.Errorf("%s, outside stage 1, published rate_limit %q (canary %v)", rec.ID, rec.Values[demo.FlagRateLimit], rec.Canary)
			}
			took = took || (rec.ID == strict && rec.Canary[demo.FlagRateLimit] != 0)
		}
		if !took {
			t.Errorf("%s never published that it was given the canary's value", strict)
		}
	})

	t.Run("health turns bad, halts and reverts", func(t *testing.T) {
		var member *demotest.Process
		for i, id := range f.demoIDs {
			if id == healthy {
				member = f.demos[i]
			}
		}
		run := f.fz.start(t, "set", demo.FlagRateLimit, "1", "--canary=5%,100%", "--bake=10m", "--canary-salt="+saltFirst(f.ids, healthy))
		run.waitOutput("baking 10m0s")
		// Traffic the stage's process now refuses: its health turns bad.
		refused := 0
		for refused < 4 {
			if member.GetJSON(t, "/", nil) == http.StatusTooManyRequests {
				refused++
			}
		}
		r := run.wait()
		r.want(t, 1, "halted at stage 1 of 2", healthy+" unhealthy", "rate limiter refused", "canary aborted", "every process reported it")
		if rec := f.records()[healthy]; rec.Values[demo.FlagRateLimit] != "5" {
			t.Errorf("after the halt the member holds rate_limit %q, want 5", rec.Values[demo.FlagRateLimit])
		}
		// Healthy again once its refusals are older than the health window.
		f.await("the member healthy again", func() (bool, string) {
			h := f.records()[healthy].Health
			return h != nil && h.OK, fmt.Sprintf("%+v", h)
		})
	})

	t.Run("a member killed during the bake halts", func(t *testing.T) {
		run := f.fz.start(t, "set", demo.FlagGreeting, "bye", "--canary=5%,100%", "--bake=10m", "--canary-salt="+saltFirst(f.ids, doomed))
		run.waitOutput("baking 10m0s")
		for i, id := range f.demoIDs {
			if id == doomed {
				f.demos[i].Kill(t)
			}
		}
		r := run.wait()
		r.want(t, 1, "halted at stage 1 of 2", doomed+" gone", "canary aborted")
		if n := f.holding(demo.FlagGreeting, "bye"); n != 0 {
			t.Errorf("%d processes hold the halted value", n)
		}
	})

	t.Run("the command killed mid-canary", func(t *testing.T) {
		run := f.fz.start(t, "set", demo.FlagGreeting, "left behind", "--canary=25%,100%", "--bake=10m", "--reason=slow one")
		run.waitOutput("baking 10m0s")
		run.kill()
		r := f.fz.run("canary", "status")
		r.want(t, 0, "canary of greeting = left behind: stage 1 of 25%,100%", "of 19 processes", "slow one", "applied")
		f.fz.run("status").want(t, 0, "canary of greeting = left behind")
		f.fz.run("ls").want(t, 0, "canary of greeting = left behind")
		if n := f.holding(demo.FlagGreeting, "left behind"); n != 5 {
			t.Errorf("%d processes hold the canary's value, want the stage's 5", n)
		}
		f.fz.run("set", demo.FlagGreeting, "meanwhile").want(t, 1, "greeting is under a canary", "nothing written")
		f.fz.run("canary", "abort", demo.FlagGreeting, "--reason=its command died").want(t, 0, "aborted the canary of greeting", "19 applied")
		if n := f.holding(demo.FlagGreeting, "left behind"); n != 0 {
			t.Errorf("%d processes hold the canary's value after abort", n)
		}
	})

	t.Run("two operators at once", func(t *testing.T) {
		a := f.fz.start(t, "set", demo.FlagGreeting, "from a", "--canary=25%,100%", "--bake=10m", "--author=a")
		b := f.fz.start(t, "set", demo.FlagGreeting, "from b", "--canary=25%,100%", "--bake=10m", "--author=b")
		var loser, winner *flagzRun
		select {
		case <-a.done:
			loser, winner = a, b
		case <-b.done:
			loser, winner = b, a
		}
		loser.wait().want(t, 1, "greeting is under a canary", "nothing written")
		winner.waitOutput("baking 10m0s")
		f.fz.run("canary", "abort", demo.FlagGreeting).want(t, 0, "aborted")
		r := winner.wait()
		r.want(t, 1, "ended under this command", "abort by")
	})

	t.Run("history and undo", func(t *testing.T) {
		alice := &flagzCLI{t: t, bin: f.fz.bin, env: append(f.fz.env, "FLAGZ_AUTHOR=alice")}
		bob := &flagzCLI{t: t, bin: f.fz.bin, env: append(f.fz.env, "FLAGZ_AUTHOR=bob")}
		alice.run("set", demo.FlagGreeting, "one", "--reason=first try").want(t, 0, "19 applied")
		bob.run("set", demo.FlagGreeting, "two", "--reason=second thoughts").want(t, 0, "19 applied")
		alice.run("set", demo.FlagGreeting, "three", "--reason=final").want(t, 0, "19 applied")
		r := f.fz.run("history", demo.FlagGreeting)
		r.want(t, 0, "first try", "second thoughts", "final", "alice", "bob", "promote", "abort")
		lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
		last := lines[len(lines)-3:]
		for i, want := range []string{"one", "two", "three"} {
			if !strings.Contains(last[i], want) {
				t.Errorf("history line %q does not hold %s", last[i], want)
			}
		}
		bob.run("undo", demo.FlagGreeting, "--reason=three broke it").want(t, 0, "back to the value of revision", "greeting = two", "19 applied")
		if n := f.holding(demo.FlagGreeting, "two"); n != canaryFleetSize-1 {
			t.Errorf("%d processes hold the value undo put back", n)
		}
		r = f.fz.run("history", demo.FlagGreeting, "--limit=1")
		r.want(t, 0, "undo", "two", "bob", "three broke it", "undid revision")
	})
}

// A 3-member etcd cluster loses its leader in the middle of a canary:
// the command follows the next leader (its reads and guarded writes go on)
// and the canary either goes through to every process of the fleet (two
// demos, followers), or, if a member of the stage went DEGRADED while its
// watcher had no leader, halts by the rule and is aborted cleanly, no
// process keeping the value; the same canary then goes through.
func TestCanaryLeaderLoss(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the demo binary and the flagz command")
	}
	c := etcdtest.StartCluster(t, 3)
	// Leases that outlive the election and the stopping member: a record
	// lost meanwhile would halt the canary as a crash would.
	f := startCanaryFleetTTL(t, c.Endpoints(), 15*time.Second, nil, nil)
	leader := c.Leader(t)
	args := []string{"set", demo.FlagGreeting, "through an election", "--canary=10%,50%,100%", "--bake=3s"}
	run := f.fz.start(t, args...)
	run.waitOutput("baking 3s")
	leader.Stop()
	if next := c.Leader(t); next == leader {
		t.Fatal("the stopped member still leads")
	}
	r := run.wait()
	if r.code != 0 {
		r.want(t, 1, "halted at stage", "canary aborted", "every process reported it")
		halted := ""
		for line := range strings.SplitSeq(r.stdout, "\n") {
			if strings.HasPrefix(line, "halted at stage") {
				halted = line
			}
		}
		for _, failure := range []string{" refused", " unhealthy", " gone", " not taken", " late", "stays in etcd"} {
			if strings.Contains(halted, failure) {
				t.Fatalf("halted for another reason than a member DEGRADED by the election: %s\n%s", halted, r)
			}
		}
		if !strings.Contains(halted, " degraded") {
			t.Fatalf("halted without a reason: %s", r)
		}
		if n := f.holding(demo.FlagGreeting, "through an election"); n != 0 {
			t.Errorf("%d processes kept the halted value", n)
		}
		t.Logf("the election halted the canary (a member went DEGRADED); running it again:\n%s", halted)
		f.await("every process following etcd again", func() (bool, string) {
			records := f.records()
			for _, rec := range records {
				if rec.State != "SERVING" {
					return false, rec.ID + " " + rec.State
				}
			}
			return len(records) == canaryFleetSize, fmt.Sprintf("%d processes", len(records))
		})
		r = f.fz.run(args...)
	}
	r.want(t, 0, "stage 2 of 3 (50%): 10 of 20 processes", "promoted", "20 applied")
	if n := f.holding(demo.FlagGreeting, "through an election"); n != canaryFleetSize {
		t.Errorf("%d processes hold the value, want %d", n, canaryFleetSize)
	}
}

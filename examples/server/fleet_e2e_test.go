package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz/examples/internal/demo"
	"github.com/flagz-go/flagz/examples/internal/demotest"
	"github.com/flagz-go/flagz/watcher/etcdtest"
)

// fleetPresenceTTL is the demos' presence lease in the fleet test: a killed
// demo disappears from flagz status this long after its death.
const fleetPresenceTTL = "2s"

// TestFleetEndToEnd runs two demos on one etcd, the second stricter about
// rate_limit (and not rolling back what it refuses), and drives them with the built flagz command only: a set
// reaches both (--wait), a value the stricter one would refuse is refused
// before it is written, the same value forced is reported rejected by that
// process, a del returns both to the default, and a demo killed with
// SIGKILL leaves flagz status once its presence lease expires.
func TestFleetEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the demo binary and the flagz command")
	}
	srv := etcdtest.Start(t)
	demoBin := demotest.Build(t, ".", raceEnabled)
	flagzBin := demotest.BuildIn(t, "../../cmd/flagz", ".", raceEnabled)
	common := []string{"--listen=127.0.0.1:0", "--etcd-endpoints=" + srv.Endpoint(), "--presence-ttl=" + fleetPresenceTTL}
	lenient := demotest.Start(t, demoBin, common...)
	// The strict one leaves in etcd what it refuses (no rollback), as a
	// fleet whose processes disagree on what is valid should.
	strict := demotest.Start(t, demoBin, append(common, "--rate-limit-max=100", "--etcd-rollback=false")...)
	fz := &flagzCLI{t: t, bin: flagzBin, env: []string{"FLAGZ_ENDPOINTS=" + srv.Endpoint(), "FLAGZ_PREFIX=" + DefaultPrefix}}

	fz.waitStatus("both demos present", func(st fleetStatus) bool { return len(st.Processes) == 2 })

	t.Run("set reaches every process", func(t *testing.T) {
		r := fz.run("set", demo.FlagGreeting, "hello, fleet", "--wait=30s")
		r.want(t, 0, "greeting = hello, fleet", "revision", "2 applied")
		for _, p := range []*demotest.Process{lenient, strict} {
			if got := p.Status(t).Greeting; got != "hello, fleet" {
				t.Errorf("after set --wait, GET / greeting = %q, want hello, fleet", got)
			}
		}
		r = fz.run("ls")
		r.want(t, 0, demo.FlagGreeting, "hello, fleet", "2 applied", demo.FlagRateLimit, "dyn_int64")
	})

	t.Run("refused set writes nothing", func(t *testing.T) {
		r := fz.run("set", demo.FlagRateLimit, "500")
		r.want(t, 1, "refused", "not in range [1, 100]", "nothing written")
		r = fz.run("set", demo.FlagRateLimit, "many")
		r.want(t, 1, "refused", "nothing written")
		r = fz.run("set", "no_such_flag", "1")
		r.want(t, 1, "no live process declares", "nothing written")
		r = fz.run("set", "listen", "127.0.0.1:1")
		r.want(t, 1, "static flag", "nothing written")
		fz.run("get", demo.FlagRateLimit).want(t, 1, "no value in etcd")
	})

	t.Run("wait reports the process that rejects", func(t *testing.T) {
		r := fz.run("set", demo.FlagRateLimit, "500", "--force", "--wait=30s", "-o", "json")
		var out struct {
			Written bool
			Wait    struct {
				Processes []struct{ ID, Outcome, Reason string }
			}
		}
		r.decode(t, &out)
		if r.code != 1 || !out.Written {
			t.Fatalf("set --force --wait with one process rejecting: exit %d, written %v, want 1 and written\n%s", r.code, out.Written, r)
		}
		outcomes := map[string]int{}
		for _, p := range out.Wait.Processes {
			outcomes[p.Outcome]++
			if p.Outcome == "rejected" && !strings.Contains(p.Reason, "not in range [1, 100]") {
				t.Errorf("rejection reason %q does not give the range", p.Reason)
			}
		}
		if outcomes["applied"] != 1 || outcomes["rejected"] != 1 {
			t.Errorf("outcomes %v, want 1 applied and 1 rejected\n%s", outcomes, r)
		}
		// The row of rate_limit: its value in etcd, the key's revision, who holds it.
		r = fz.run("ls")
		r.want(t, 0)
		if !regexp.MustCompile(`(?m)^rate_limit\s+dyn_int64\s+500\s+\d+\s+1 applied, 1 rejected\s*$`).MatchString(r.stdout) {
			t.Fatalf("flagz ls does not show rate_limit=500 in etcd, 1 applied, 1 rejected\n%s", r)
		}
		fz.run("status").want(t, 0, "rejecting: ", "rate_limit=500", "not in range [1, 100]")
		r = fz.run("set", demo.FlagRateLimit, "50", "--wait=30s")
		r.want(t, 0, "2 applied")
	})

	t.Run("del returns the default", func(t *testing.T) {
		r := fz.run("del", demo.FlagGreeting, "--wait=30s")
		r.want(t, 0, "deleted greeting", "2 applied")
		for _, p := range []*demotest.Process{lenient, strict} {
			if got := p.Status(t).Greeting; got != demo.DefaultGreeting {
				t.Errorf("after del --wait, GET / greeting = %q, want the default", got)
			}
		}
	})

	t.Run("a killed process leaves status", func(t *testing.T) {
		fz.run("status").want(t, 0, "2 live processes", "converged")
		strict.Kill(t)
		fz.waitStatus("the killed demo gone from status", func(st fleetStatus) bool { return len(st.Processes) == 1 })
		fz.run("status").want(t, 0, "1 live process;")
	})
	lenient.Stop(t)
}

// flagzCLI runs the built flagz command.
type flagzCLI struct {
	t   *testing.T
	bin string
	env []string
}

type cliResult struct {
	args           []string
	code           int
	stdout, stderr string
}

func (r cliResult) String() string {
	return "flagz " + strings.Join(r.args, " ") + ": exit " + strconv.Itoa(r.code) + "\nstdout:\n" + r.stdout + "stderr:\n" + r.stderr
}

func (f *flagzCLI) run(args ...string) cliResult {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(f.t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, f.bin, args...)
	cmd.Env = append(append(os.Environ(), f.env...), "GORACE=atexit_sleep_ms=0")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := cliResult{args: args, stdout: stdout.String(), stderr: stderr.String()}
	if exit, ok := err.(*exec.ExitError); ok {
		r.code = exit.ExitCode()
	} else if err != nil {
		f.t.Fatalf("flagz %v: %v", args, err)
	}
	return r
}

func (r cliResult) want(t *testing.T, code int, texts ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit %d, want %d\n%s", r.code, code, r)
	}
	for _, text := range texts {
		if !strings.Contains(r.stdout+r.stderr, text) {
			t.Fatalf("output does not say %q\n%s", text, r)
		}
	}
}

func (r cliResult) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
		t.Fatalf("JSON output: %v\n%s", err, r)
	}
}

// fleetStatus is the part of flagz status -o json the test reads.
type fleetStatus struct {
	Processes []struct{ ID string }
	Converged bool
}

// waitStatus runs flagz status -o json until cond holds.
func (f *flagzCLI) waitStatus(what string, cond func(fleetStatus) bool) {
	f.t.Helper()
	deadline := time.Now().Add(demotest.WaitTimeout)
	for {
		r := f.run("status", "-o", "json")
		var st fleetStatus
		if r.code == 0 {
			r.decode(f.t, &st)
			if cond(st) {
				return
			}
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("waited %v for %s; last status:\n%s", demotest.WaitTimeout, what, r)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/flagz-go/flagz/examples/internal/demo"
	"github.com/flagz-go/flagz/examples/internal/demotest"
	"github.com/flagz-go/flagz/watcher"
	"github.com/flagz-go/flagz/watcher/canary"
	"github.com/flagz-go/flagz/watcher/presence"
	"github.com/spf13/pflag"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// canaryFleetSize is how many processes follow the demo's prefix in the
// canary tests: a few demo binaries, and in-process followers for the
// rest (each a watcher with presence over the demo's flags, as a demo
// has).
const canaryFleetSize = 20

// canaryWait bounds what the canary tests wait for.
const canaryWait = 90 * time.Second

// canaryFleet is the demos and followers of one canary test, and the
// built flagz command that drives them.
type canaryFleet struct {
	t       *testing.T
	c       *clientv3.Client
	fz      *flagzCLI
	demos   []*demotest.Process
	demoIDs []string // the demos' presence ids, by index
	ids     []string // every process's presence id
}

// startCanaryFleet starts one demo per entry of demoArgs (with those
// flags beside the common ones) and in-process followers up to
// canaryFleetSize, on the etcd of endpoints, and waits until flagz status
// sees them all.
func startCanaryFleet(t *testing.T, endpoints []string, demoArgs ...[]string) *canaryFleet {
	t.Helper()
	return startCanaryFleetTTL(t, endpoints, 2*time.Second, demoArgs...)
}

// startCanaryFleetTTL is startCanaryFleet with the processes' presence
// TTL.
func startCanaryFleetTTL(t *testing.T, endpoints []string, ttl time.Duration, demoArgs ...[]string) *canaryFleet {
	t.Helper()
	demoBin := demotest.Build(t, ".", raceEnabled)
	flagzBin := demotest.BuildIn(t, "../../cmd/flagz", ".", raceEnabled)
	eps := strings.Join(endpoints, ",")
	f := &canaryFleet{t: t, c: clusterClient(t, endpoints),
		fz: &flagzCLI{t: t, bin: flagzBin, env: []string{"FLAGZ_ENDPOINTS=" + eps, "FLAGZ_PREFIX=" + DefaultPrefix}}}
	common := []string{"--listen=127.0.0.1:0", "--etcd-endpoints=" + eps, "--presence-ttl=" + ttl.String()}
	for _, extra := range demoArgs {
		f.demos = append(f.demos, demotest.Start(t, demoBin, append(common, extra...)...))
	}
	shared := clusterClient(t, endpoints)
	for i := len(demoArgs); i < canaryFleetSize; i++ {
		id := fmt.Sprintf("follower-%02d", i)
		fs := pflag.NewFlagSet(id, pflag.ContinueOnError)
		demo.DeclareFlags(fs)
		w, err := watcher.New(fs, shared, DefaultPrefix, watcher.WithPresence(), watcher.WithPresenceID(id),
			watcher.WithPresenceTTL(ttl), watcher.WithLogger(slog.New(slog.DiscardHandler)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Initialize(t.Context()); err != nil {
			t.Fatal(err)
		}
		if err := w.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(w.Stop)
		f.ids = append(f.ids, id)
	}
	byPID := map[int]string{}
	f.await("every process present", func() (bool, string) {
		records := f.records()
		for _, r := range records {
			byPID[r.PID] = r.ID
		}
		return len(records) == canaryFleetSize, fmt.Sprintf("%d processes", len(records))
	})
	for _, d := range f.demos {
		id, ok := byPID[d.PID()]
		if !ok {
			t.Fatalf("no presence record of the demo of pid %d", d.PID())
		}
		f.demoIDs = append(f.demoIDs, id)
		f.ids = append(f.ids, id)
	}
	return f
}

func clusterClient(t *testing.T, endpoints []string) *clientv3.Client {
	t.Helper()
	c, err := clientv3.New(clientv3.Config{Endpoints: endpoints, DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// records returns the live processes' presence records.
func (f *canaryFleet) records() map[string]presence.Record {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(f.t.Context(), 10*time.Second)
	defer cancel()
	list, _, err := presence.List(ctx, f.c, DefaultPrefix)
	if err != nil {
		f.t.Logf("presence.List: %v", err)
	}
	out := map[string]presence.Record{}
	for _, r := range list {
		out[r.ID] = r
	}
	return out
}

// await polls cond until it holds, failing the test after canaryWait.
func (f *canaryFleet) await(what string, cond func() (bool, string)) {
	f.t.Helper()
	deadline := time.Now().Add(canaryWait)
	for {
		ok, saw := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("waited %v for %s; last saw: %s", canaryWait, what, saw)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// revision returns etcd's revision now.
func (f *canaryFleet) revision() int64 {
	f.t.Helper()
	resp, err := f.c.Get(f.t.Context(), "flagz-test-revision")
	if err != nil {
		f.t.Fatal(err)
	}
	return resp.Header.Revision
}

// holding counts the live processes whose record says they hold value
// for the flag name.
func (f *canaryFleet) holding(name, value string) int {
	n := 0
	for _, r := range f.records() {
		if r.Values[name] == value {
			n++
		}
	}
	return n
}

// statuses returns every presence status written since revision from,
// from etcd's history: a watch from there, followed until etcd, asked for
// progress, says it has delivered everything up to now.
func (f *canaryFleet) statuses(from int64) []presence.Record {
	f.t.Helper()
	to := f.revision()
	ctx, cancel := context.WithTimeout(f.t.Context(), canaryWait)
	defer cancel()
	ch := f.c.Watch(ctx, presence.Prefix(DefaultPrefix), clientv3.WithPrefix(), clientv3.WithRev(from))
	ask := time.NewTicker(50 * time.Millisecond)
	defer ask.Stop()
	var out []presence.Record
	for {
		select {
		case <-ctx.Done():
			f.t.Fatalf("replaying the presence records: %v", ctx.Err())
		case <-ask.C:
			_ = f.c.RequestProgress(ctx)
		case resp := <-ch:
			if err := resp.Err(); err != nil {
				f.t.Fatalf("replaying the presence records: %v", err)
			}
			for _, ev := range resp.Events {
				if ev.Type != clientv3.EventTypePut || ev.Kv.ModRevision > to {
					continue
				}
				r, err := presence.Decode(ev.Kv.Value)
				if err != nil {
					f.t.Fatal(err)
				}
				out = append(out, r)
			}
			if resp.IsProgressNotify() && resp.Header.Revision >= to {
				return out
			}
		}
	}
}

// saltFirst returns a salt for which id comes first among ids: the first
// stage of a canary of that salt holds it.
func saltFirst(ids []string, id string) string {
	for i := 0; ; i++ {
		salt := "s" + strconv.Itoa(i)
		b, first := canary.Bucket(salt, id), true
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

// flagzRun is the built flagz command running in the background.
type flagzRun struct {
	t    *testing.T
	args []string
	cmd  *exec.Cmd
	out  *safeBuffer
	done chan struct{}
	code int
}

// start runs the flagz command in the background; it is killed when the
// test ends, if still running.
func (f *flagzCLI) start(t *testing.T, args ...string) *flagzRun {
	t.Helper()
	r := &flagzRun{t: t, args: args, cmd: exec.Command(f.bin, args...), out: &safeBuffer{}, done: make(chan struct{})}
	r.cmd.Env = append(append(os.Environ(), f.env...), "GORACE=atexit_sleep_ms=0")
	r.cmd.Stderr = r.out
	stdout, err := r.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			io.WriteString(r.out, sc.Text()+"\n")
		}
	}()
	go func() {
		<-copied
		err := r.cmd.Wait()
		if exit, ok := err.(*exec.ExitError); ok {
			r.code = exit.ExitCode()
		} else if err != nil {
			r.code = -1
		}
		close(r.done)
	}()
	t.Cleanup(func() {
		select {
		case <-r.done:
		default:
			_ = r.cmd.Process.Kill()
			<-r.done
		}
	})
	return r
}

// waitOutput waits until the command has printed text.
func (r *flagzRun) waitOutput(text string) {
	r.t.Helper()
	deadline := time.Now().Add(canaryWait)
	for !strings.Contains(r.out.String(), text) {
		select {
		case <-r.done:
			r.t.Fatalf("flagz %v exited (%d) without saying %q:\n%s", r.args, r.code, text, r.out)
		default:
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("flagz %v did not say %q within %v:\n%s", r.args, text, canaryWait, r.out)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// wait waits until the command exits and returns how.
func (r *flagzRun) wait() cliResult {
	r.t.Helper()
	select {
	case <-r.done:
	case <-time.After(canaryWait):
		r.t.Fatalf("flagz %v did not exit within %v:\n%s", r.args, canaryWait, r.out)
	}
	return cliResult{args: r.args, code: r.code, stdout: r.out.String()}
}

// kill sends SIGKILL: the command dies without cleaning anything up.
func (r *flagzRun) kill() {
	r.t.Helper()
	if err := r.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		r.t.Fatal(err)
	}
	<-r.done
}

type safeBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *safeBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *safeBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

package fleet

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/flagz-go/flagz/benchmarks/internal/latency"
	"github.com/flagz-go/flagz/watcher/presence"
	"github.com/spf13/pflag"
	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// canaryStages are the stages every canary of BenchmarkCanary takes.
const canaryStages = "5%,25%,100%"

// BenchmarkCanary runs, for each N, N flagz followers with presence on one
// etcd server and drives them with the built flagz command: each
// iteration is one plain `flagz set --wait` and one `flagz set
// --canary=5%,25%,100% --bake=0` of the same flag, each timed from the
// command's start to its exit (connecting included, the same for both).
// It reports both times, their ratio, the etcd writes the canary made per
// stage and the presence writes per process per stage. Choose N with
//
//	CANARY_N=100,500  (default)
//
// and run, for example,
//
//	go test -run '^$' -bench Canary -benchtime 20x -timeout 30m ./fleet/
func BenchmarkCanary(b *testing.B) {
	bin := buildFlagz(b)
	for _, n := range envInts(b, "CANARY_N", []int{100, 500}) {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			c := newCanaryBench(b, bin, n)
			var plain, staged []time.Duration
			var txnsPerStage, presencePerStage, presencePerSet []float64
			for b.Loop() {
				r := c.round(b)
				plain, staged = append(plain, r.plain), append(staged, r.staged)
				txnsPerStage = append(txnsPerStage, r.txnsPerStage)
				presencePerStage = append(presencePerStage, r.presencePerStage)
				presencePerSet = append(presencePerSet, r.presencePerSet)
			}
			b.StopTimer()
			p := latency.Percentile
			b.ReportMetric(p(plain, 0.50), "set-wait-p50-ms")
			b.ReportMetric(p(staged, 0.50), "canary-p50-ms")
			b.ReportMetric(p(plain, 0.99), "set-wait-p99-ms")
			b.ReportMetric(p(staged, 0.99), "canary-p99-ms")
			b.ReportMetric(p(staged, 0.50)/p(plain, 0.50), "canary/set-p50")
			b.ReportMetric(mean(txnsPerStage), "etcd-writes/stage")
			b.ReportMetric(mean(presencePerStage), "presence-writes/proc/stage")
			b.ReportMetric(mean(presencePerSet), "presence-writes/proc/set")
			b.ReportMetric(float64(c.warnings.total()), "warnings")
			b.ReportMetric(0, "ns/op")
			if c.warnings.total() > 0 {
				b.Logf("the followers logged warnings:%s", c.warnings)
			}
		})
	}
}

// TestCanarySmoke runs BenchmarkCanary's rounds on 5 followers and checks
// what it counts: each canary is promoted, each of its stages is one etcd
// write (one transaction) and costs each process at most one presence
// write (stages that follow each other within the followers' presence
// spread share one), and a plain set --wait exactly one.
func TestCanarySmoke(t *testing.T) {
	c := newCanaryBench(t, buildFlagz(t), 5)
	for range 2 {
		r := c.round(t)
		if r.txnsPerStage != 1 || r.presencePerStage > 1 || r.presencePerStage <= 0 || r.presencePerSet != 1 {
			t.Errorf("etcd writes per stage %v, presence writes per process per stage %v and per set %v; want 1, at most 1, 1",
				r.txnsPerStage, r.presencePerStage, r.presencePerSet)
		}
	}
	if n := c.warnings.total(); n > 0 {
		t.Errorf("the followers logged %d warnings:%s", n, c.warnings)
	}
}

// canaryBench is n followers with presence on an etcd server of their own,
// and the flagz command that changes their flag.
type canaryBench struct {
	n        int
	bin      string
	env      []string
	writer   *clientv3.Client
	log      *writeLog
	warnings *warnings
	count    int
}

// canaryRound is what one round of canaryBench measured.
type canaryRound struct {
	plain, staged    time.Duration // flagz set --wait, flagz set --canary: start to exit
	txnsPerStage     float64       // etcd writes (transactions) per stage of the canary
	presencePerStage float64       // presence writes per process per stage of the canary
	presencePerSet   float64       // presence writes per process for the plain set
}

func newCanaryBench(tb testing.TB, bin string, n int) *canaryBench {
	tb.Helper()
	srv := startServer(tb, false)
	writer, err := newClient(srv.Endpoint)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { writer.Close() })
	if _, err := writer.Put(context.Background(), flagKey, "0"); err != nil {
		tb.Fatal(err)
	}
	clients, closeClients := startClients(tb, n, srv.Endpoint)
	tb.Cleanup(closeClients)
	sink := newGroup("unused", n)
	sets := make([]*pflag.FlagSet, n)
	for i := range sets {
		sets[i] = newFlagSet(i, sink, sink)
	}
	c := &canaryBench{n: n, bin: bin, writer: writer, warnings: newWarnings(),
		env: []string{"FLAGZ_ENDPOINTS=" + srv.Endpoint, "FLAGZ_PREFIX=" + prefix}}
	stopAll := startAll(tb, n, func(i int) (func(), error) {
		return startFlagz(clients[i], sets[i], i, c.warnings.logger(), presenceOptions(tb)...)
	})
	tb.Cleanup(stopAll) // before the clients close: cleanups run last first
	c.log = startWriteLog(tb, srv.Endpoint)
	awaitPresence(tb, writer, n)
	// A first set, untimed: the writes of the followers' start are over.
	runFlagz(tb, bin, c.env, "set", flagName, "1", "--wait=1m")
	return c
}

// round runs one plain set --wait and one canary of flagName, each timed
// from the command's start to its exit, and counts their writes.
func (c *canaryBench) round(tb testing.TB) canaryRound {
	tb.Helper()
	c.count++
	var r canaryRound
	from := currentRevision(tb, c.writer)
	start := time.Now()
	runFlagz(tb, c.bin, c.env, "set", flagName, strconv.Itoa(2*c.count), "--wait=1m")
	r.plain = time.Since(start)
	r.presencePerSet = float64(c.log.presence(from, currentRevision(tb, c.writer))) / float64(c.n)

	from = currentRevision(tb, c.writer)
	start = time.Now()
	out := runFlagz(tb, c.bin, c.env, "set", flagName, strconv.Itoa(2*c.count+1), "--canary="+canaryStages, "--bake=0", "-o", "json")
	r.staged = time.Since(start)
	var res struct {
		Promoted bool
		Run      []struct{ Revision int64 } `json:"stages_run"`
	}
	if err := json.Unmarshal(out, &res); err != nil || !res.Promoted || len(res.Run) != 2 {
		tb.Fatalf("round %d: set --canary: %v\n%s", c.count, err, out)
	}
	to := currentRevision(tb, c.writer)
	stages := float64(len(res.Run) + 1)
	r.txnsPerStage = float64(c.log.commandTxns(from, to)) / stages
	r.presencePerStage = float64(c.log.presence(from, to)) / float64(c.n) / stages
	return r
}

// buildFlagz builds the flagz command (cmd/flagz) into a temporary
// directory.
func buildFlagz(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "flagz")
	cmd := exec.Command("go", "-C", filepath.Join("..", "..", "cmd", "flagz"), "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("build the flagz command: %v\n%s", err, out)
	}
	return bin
}

// runFlagz runs the flagz command and returns its standard output; it
// fails the benchmark unless the command exits with 0.
func runFlagz(tb testing.TB, bin string, env []string, args ...string) []byte {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		tb.Fatalf("flagz %v: %v\n%s%s", args, err, stdout.Bytes(), stderr.Bytes())
	}
	return stdout.Bytes()
}

// awaitPresence waits until n presence records are live.
func awaitPresence(tb testing.TB, cli *clientv3.Client, n int) {
	tb.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		list, _, err := presence.List(context.Background(), cli, prefix)
		if err == nil && len(list) == n {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%d of %d presence records after a minute (%v)", len(list), n, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func currentRevision(tb testing.TB, cli *clientv3.Client) int64 {
	tb.Helper()
	resp, err := cli.Get(context.Background(), flagKey, clientv3.WithCountOnly())
	if err != nil {
		tb.Fatal(err)
	}
	return resp.Header.Revision
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// writeLog keeps the revisions of the writes under the flag prefix (the
// command's: the flag's key, its canary and change records) and of the
// presence puts, from a watch of each.
type writeLog struct {
	cli *clientv3.Client
	ctx context.Context // the watches': RequestProgress asks on their stream

	mu      sync.Mutex
	command []int64  // revisions of writes under the flag prefix (one per transaction)
	puts    []int64  // revisions of presence puts (one per put)
	seen    [2]int64 // per watch, the revision it has delivered up to
}

// startWriteLog watches the flag prefix and the presence prefix until tb
// ends.
func startWriteLog(tb testing.TB, endpoint string) *writeLog {
	tb.Helper()
	cli, err := newClient(endpoint)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	l := &writeLog{cli: cli, ctx: ctx}
	var wg sync.WaitGroup
	for i, key := range []string{prefix + "/", presence.Prefix(prefix)} {
		wch := cli.Watch(ctx, key, clientv3.WithPrefix(), clientv3.WithCreatedNotify())
		if created := <-wch; created.Err() != nil || !created.Created {
			tb.Fatalf("watch %s not created: %v", key, created.Err())
		}
		wg.Go(func() {
			for resp := range wch {
				l.mu.Lock()
				for _, ev := range resp.Events {
					switch {
					case i == 0:
						l.command = append(l.command, ev.Kv.ModRevision)
					case ev.Type == mvccpb.PUT:
						l.puts = append(l.puts, ev.Kv.ModRevision)
					}
					l.seen[i] = max(l.seen[i], ev.Kv.ModRevision)
				}
				if resp.IsProgressNotify() {
					l.seen[i] = max(l.seen[i], resp.Header.Revision)
				}
				l.mu.Unlock()
			}
		})
	}
	tb.Cleanup(func() { cancel(); wg.Wait(); cli.Close() })
	return l
}

// commandTxns counts the transactions under the flag prefix in the
// revisions (from, to]: each writes one revision, whatever keys it holds.
func (l *writeLog) commandTxns(from, to int64) int {
	l.await(to)
	l.mu.Lock()
	defer l.mu.Unlock()
	var revs []int64
	for _, r := range l.command {
		if r > from && r <= to {
			revs = append(revs, r)
		}
	}
	slices.Sort(revs)
	return len(slices.Compact(revs))
}

// presence counts the presence puts in the revisions (from, to].
func (l *writeLog) presence(from, to int64) int {
	l.await(to)
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, r := range l.puts {
		if r > from && r <= to {
			n++
		}
	}
	return n
}

// await waits until both watches have delivered revision to: it asks etcd
// for progress until they say so.
func (l *writeLog) await(to int64) {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		l.mu.Lock()
		done := l.seen[0] >= to && l.seen[1] >= to
		l.mu.Unlock()
		if done {
			return
		}
		_ = l.cli.RequestProgress(l.ctx)
		time.Sleep(5 * time.Millisecond)
	}
}

package fleet

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz/benchmarks/internal/latency"
)

// BenchmarkFleet runs, for each N, N raw clientv3 watchers and N flagz
// followers side by side on one etcd server, each on a client of its own;
// each iteration is one change of one flag, timed from the start of the
// put until every member of a group has it. Choose the rows with
//
//	FLEET_N=100,500,1000  (default)
//	FLEET_MODES=watcher,presence,proxy/watcher,proxy/presence  (default: all;
//	    proxy rows only at the largest N)
//	FLEET_FLAGS=10  (flags per follower, default 10)
//	FLEET_SPREAD=20ms  (the presence rows' WithPresenceSpread, default 20ms)
//	FLEET_PRESENCE_DIRECT=1  (proxy/presence: records written on a second
//	    client of the member, WithPresenceClient; its heap is not comparable)
//	FLEET_PRESENCE_TTL=15s  (the presence rows' WithPresenceTTL, default 5s)
//	FLEET_ROUNDS=/tmp/rounds  (each round's times, one file per row)
//
// and give at least a few hundred changes per row, for a p99:
//
//	go test -run '^$' -bench Fleet -benchtime 300x -timeout 60m ./fleet/
func BenchmarkFleet(b *testing.B) {
	sizes := envInts(b, "FLEET_N", []int{100, 500, 1000})
	modes := envList("FLEET_MODES", []string{"watcher", "presence", "proxy/watcher", "proxy/presence"})
	largest := 0
	for _, n := range sizes {
		largest = max(largest, n)
	}
	for _, n := range sizes {
		for _, mode := range modes {
			cfg := config{n: n, proxy: strings.HasPrefix(mode, "proxy/"), presence: strings.HasSuffix(mode, "presence")}
			if cfg.proxy && n != largest {
				continue
			}
			b.Run(cfg.String(), func(b *testing.B) { benchFleet(b, cfg) })
		}
	}
}

func benchFleet(b *testing.B, cfg config) {
	f := newFleet(b, cfg)
	for b.Loop() {
		f.step(b)
	}
	b.StopTimer()
	f.report(b)
	f.writeRounds(b, os.Getenv("FLEET_ROUNDS"))
	flagz, raw := f.steadyMemory(b)
	b.ReportMetric(raw.heap/1024, "raw-heap-after-KB")
	b.ReportMetric(flagz.heap/1024, "flagz-heap-after-KB")
	b.ReportMetric(flagz.heap/raw.heap, "heap-ratio-after")
}

// report reports the run's figures as benchmark metrics: percentiles in
// milliseconds, ratios to the raw watchers of the same run, bytes per
// follower, watches on the server, presence writes per process and change.
func (f *fleet) report(b *testing.B) {
	rl := f.samples[f.raw.name]
	vis := f.samples[f.visible.name]
	app := f.samples[f.applied.name]
	p := latency.Percentile
	b.ReportMetric(p(rl, 0.50), "raw-p50-ms")
	b.ReportMetric(p(rl, 0.99), "raw-p99-ms")
	b.ReportMetric(p(vis, 0.50), "flagz-p50-ms")
	b.ReportMetric(p(vis, 0.99), "flagz-p99-ms")
	b.ReportMetric(p(vis, 0.50)/p(rl, 0.50), "p50-ratio")
	b.ReportMetric(p(vis, 0.99)/p(rl, 0.99), "p99-ratio")
	b.ReportMetric(p(app, 0.50)/p(rl, 0.50), "applied-p50-ratio")
	b.ReportMetric(p(app, 0.99)/p(rl, 0.99), "applied-p99-ratio")
	if f.wait != nil {
		w := f.samples[f.wait.name]
		b.ReportMetric(p(w, 0.50), "wait-p50-ms")
		b.ReportMetric(p(w, 0.99), "wait-p99-ms")
		b.ReportMetric(p(w, 0.50)/p(rl, 0.50), "wait-p50-ratio")
		b.ReportMetric(p(w, 0.99)/p(rl, 0.99), "wait-p99-ratio")
		wc := f.writes.counts(f.revs)
		b.ReportMetric(wc.perChange, "writes/proc/change")
		b.ReportMetric(float64(wc.fewest), "writes-min")
		b.ReportMetric(float64(wc.most), "writes-max")
		b.ReportMetric(wc.bytesPerWrite, "presence-B/write")
	}
	raw := f.rawClient.heap + f.rawWatch.heap
	follower := f.flagzClient.heap + f.flagzWatch.heap
	b.ReportMetric(raw/1024, "raw-heap-KB")
	b.ReportMetric(follower/1024, "flagz-heap-KB")
	b.ReportMetric(f.flags.heap/1024, "flags-heap-KB")
	b.ReportMetric(follower/raw, "heap-ratio")
	b.ReportMetric((follower+f.flags.heap)/raw, "heap-ratio-with-flags")
	b.ReportMetric(f.rawWatch.heap/1024, "raw-watch-heap-KB")
	b.ReportMetric(f.flagzWatch.heap/1024, "watcher-heap-KB")
	b.ReportMetric((f.rawClient.stack+f.rawWatch.stack)/1024, "raw-stack-KB")
	b.ReportMetric((f.flagzClient.stack+f.flagzWatch.stack)/1024, "flagz-stack-KB")
	b.ReportMetric(float64(f.watchers), "server-watchers")
	b.ReportMetric(float64(f.streams), "server-streams")
	memberCPU, proxyCPU, followersCPU := f.cpu()
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(memberCPU), "server-cpu-ms/change")
	b.ReportMetric(ms(followersCPU), "followers-cpu-ms/change")
	b.ReportMetric(float64(f.member0.rss)/(1<<20), "server-rss-MB")
	if f.cfg.proxy {
		b.ReportMetric(ms(proxyCPU), "proxy-cpu-ms/change")
		b.ReportMetric(float64(f.proxy0.rss)/(1<<20), "proxy-rss-MB")
	}
	b.ReportMetric(float64(f.warnings.total()), "warnings")
	var rewatches int64
	for _, r := range f.raws {
		rewatches += r.rewatchs.Load()
		if e, ok := r.lastErr.Load().(string); ok {
			b.Logf("a raw watch ended: %s", e)
		}
	}
	b.ReportMetric(float64(rewatches), "raw-rewatches")
	for name, n := range f.lost {
		b.Logf("%s: %d rounds in which a member missed the change for %v", name, n, roundTimeout)
	}
	b.ReportMetric(float64(f.lost[f.raw.name]), "raw-lost-rounds")
	b.ReportMetric(float64(f.lost[f.visible.name]), "flagz-lost-rounds")
	if f.warnings.total() > 0 {
		b.Logf("the followers logged warnings:%s", f.warnings)
	}
	b.ReportMetric(0, "ns/op")
}

// envInts reads a comma-separated list of integers from the environment.
func envInts(b *testing.B, name string, def []int) []int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			b.Fatalf("%s=%q: want positive integers separated by commas", name, s)
		}
		out = append(out, n)
	}
	return out
}

// envDuration reads a duration of at least 0 from the environment.
func envDuration(tb testing.TB, name string, def time.Duration) time.Duration {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		tb.Fatalf("%s=%q: want a duration such as 20ms", name, s)
	}
	return d
}

// envList reads a comma-separated list from the environment.
func envList(name string, def []string) []string {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	return strings.Split(s, ",")
}

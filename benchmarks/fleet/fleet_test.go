package fleet

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/flagz-go/flagz/watcher"
	"github.com/spf13/pflag"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// roundTimeout bounds how long a round waits for every member of a group.
const roundTimeout = 10 * time.Second

// config is one row of the benchmark.
type config struct {
	n        int  // followers of each kind
	proxy    bool // followers connect through the gRPC proxy
	presence bool // flagz followers publish presence records
}

func (c config) String() string {
	s := fmt.Sprintf("N=%d", c.n)
	if c.proxy {
		s += "/proxy"
	}
	if c.presence {
		return s + "/presence"
	}
	return s + "/watcher"
}

// fleet is one run: a server process, N raw watchers and N flagz
// followers on it, and a writer that changes flagName once per round.
type fleet struct {
	cfg    config
	srv    *server
	writer *clientv3.Client

	raw     *group // raw watchers: the value arrived
	visible *group // flagz followers: Get returns the value (notifier)
	applied *group // flagz followers: the engine validated the value
	wait    *group // presence records: Revision ≥ the put's (nil without presence)
	writes  *writeCounter

	warnings *warnings // what the followers' watchers logged at Warn and above

	raws []*rawFollower

	// Memory per follower, in phases: a raw watcher's client and watch; a
	// flagz follower's client, flag set and watcher.
	rawClient, rawWatch, flagzClient, flags, flagzWatch memStats

	// stopFlagz and stopRaw stop the flagz followers (watchers, then
	// clients) and the raw watchers (watches, then clients); both run
	// once, at the latest when the benchmark ends.
	stopFlagz, stopRaw func()

	watchers, streams int64         // server-side watchers and watch streams the followers added
	member0, proxy0   procStats     // the server processes once all followers run
	followersCPU0     time.Duration // this process's CPU time then

	phase   int // of the start-up, for memory
	round   int64
	samples map[string][]time.Duration // per group name, one per round
	details map[string][]roundDetail   // per group name, one per round
	lost    map[string]int             // per group name, rounds some member missed
	revs    []int64                    // per round, the put's revision
}

// newFleet starts the server and the followers, measuring the heap each
// kind adds and the watches that reach the server.
func newFleet(tb testing.TB, cfg config) *fleet {
	tb.Helper()
	f := &fleet{cfg: cfg, samples: map[string][]time.Duration{}, details: map[string][]roundDetail{}, lost: map[string]int{}, warnings: newWarnings()}
	f.srv = startServer(tb, cfg.proxy)
	writer, err := newClient(f.srv.Endpoint)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { writer.Close() })
	f.writer = writer
	if _, err := writer.Put(context.Background(), flagKey, "0"); err != nil {
		tb.Fatalf("first put: %v", err)
	}
	endpoint := f.srv.Endpoint
	if cfg.proxy {
		endpoint = f.srv.Proxy
	}
	f.raw = newGroup("raw watchers", cfg.n)
	f.visible = newGroup("flagz followers (visible)", cfg.n)
	f.applied = newGroup("flagz followers (applied)", cfg.n)
	var opts []watcher.Option
	if cfg.presence {
		f.wait = newGroup("presence records", cfg.n)
		f.writes = startPresenceCounter(tb, f.srv.Endpoint, f.wait)
		opts = append(opts, presenceOptions(tb)...)
	}
	watchers0 := f.srv.gauge(tb, "etcd_debugging_mvcc_watcher_total")
	streams0 := f.srv.gauge(tb, "etcd_debugging_mvcc_watch_stream_total")

	// Each kind is built in phases, the heap measured after each: the
	// clients, then (flagz) the flag sets, then the watches.
	mem := []memStats{f.memory(tb)}
	rawClients, stopRawClients := startClients(tb, cfg.n, endpoint)
	mem = append(mem, f.memory(tb))
	f.raws = make([]*rawFollower, cfg.n)
	stopRawWatches := startAll(tb, cfg.n, func(i int) (func(), error) {
		r, stop, err := startRaw(rawClients[i], f.raw, i)
		f.raws[i] = r
		return stop, err
	})
	mem = append(mem, f.memory(tb))
	flagzClients, stopFlagzClients := startClients(tb, cfg.n, endpoint)
	mem = append(mem, f.memory(tb))
	sets := make([]*pflag.FlagSet, cfg.n)
	for i := range sets {
		sets[i] = newFlagSet(i, f.visible, f.applied)
	}
	mem = append(mem, f.memory(tb))
	// FLEET_PRESENCE_DIRECT=1: behind the proxy, each follower writes its
	// presence record on a second client, of the member itself.
	direct := cfg.proxy && cfg.presence && os.Getenv("FLEET_PRESENCE_DIRECT") == "1"
	var presenceClients []*clientv3.Client
	if direct {
		presenceClients, _ = startClients(tb, cfg.n, f.srv.Endpoint)
	}
	stopWatchers := startAll(tb, cfg.n, func(i int) (func(), error) {
		o := opts
		if direct {
			o = append(slices.Clip(opts), watcher.WithPresenceClient(presenceClients[i]))
		}
		return startFlagz(flagzClients[i], sets[i], i, f.warnings.logger(), o...)
	})
	if f.wait != nil {
		// Every follower has published its record.
		f.wait.arm(1, time.Now())
		if _, err := f.wait.wait(roundTimeout); err != nil {
			tb.Fatal(err)
		}
		// And has written what its start-up asks for (the state's
		// SERVING): the heap is measured with no write in flight.
		f.writes.quiet(tb, quietFor, roundTimeout)
	}
	mem = append(mem, f.memory(tb))
	runtime.KeepAlive(sets)
	perFollower := func(from, to int) memStats {
		return memStats{heap: (mem[to].heap - mem[from].heap) / float64(cfg.n), stack: (mem[to].stack - mem[from].stack) / float64(cfg.n)}
	}
	f.stopFlagz = sync.OnceFunc(func() { stopWatchers(); stopFlagzClients() })
	f.stopRaw = sync.OnceFunc(func() { stopRawWatches(); stopRawClients() })
	f.rawClient, f.rawWatch = perFollower(0, 1), perFollower(1, 2)
	f.flagzClient, f.flags, f.flagzWatch = perFollower(2, 3), perFollower(3, 4), perFollower(4, 5)
	f.watchers = f.srv.gauge(tb, "etcd_debugging_mvcc_watcher_total") - watchers0
	f.streams = f.srv.gauge(tb, "etcd_debugging_mvcc_watch_stream_total") - streams0
	if f.writes != nil {
		f.writes.reset()
	}
	f.member0, f.proxy0 = f.srv.usage()
	f.followersCPU0, _ = procUsage(os.Getpid())
	return f
}

// cpu returns the CPU time the member, the proxy and this process (the
// followers) used per round so far.
func (f *fleet) cpu() (member, proxy, followers time.Duration) {
	if f.round == 0 {
		return 0, 0, 0
	}
	m, p := f.srv.usage()
	c, _ := procUsage(os.Getpid())
	n := time.Duration(f.round)
	return (m.cpu - f.member0.cpu) / n, (p.cpu - f.proxy0.cpu) / n, (c - f.followersCPU0) / n
}

// step changes flagName once and waits until every member of every group
// has it, recording each group's time from the start of the put.
func (f *fleet) step(tb testing.TB) {
	tb.Helper()
	f.round++
	v := f.round
	start := time.Now()
	f.raw.arm(v, start)
	f.visible.arm(v, start)
	f.applied.arm(v, start)
	resp, err := f.writer.Put(context.Background(), flagKey, strconv.FormatInt(v, 10))
	if err != nil {
		tb.Fatalf("round %d: put: %v", v, err)
	}
	f.revs = append(f.revs, resp.Header.Revision)
	if f.wait != nil {
		f.wait.arm(resp.Header.Revision, start)
	}
	for _, g := range f.groups() {
		d, err := g.wait(roundTimeout)
		if err != nil {
			// A member that lost the change (a proxy that dropped an
			// event): count it, keep the timeout as the sample, go on.
			f.lost[g.name]++
			tb.Logf("round %d: %v", v, err)
			d = roundTimeout
		}
		f.samples[g.name] = append(f.samples[g.name], d)
		f.details[g.name] = append(f.details[g.name], g.detail())
	}
}

// groups are the groups each round measures: the raw watchers, the flagz
// followers (visible, applied) and, with presence, their records.
func (f *fleet) groups() []*group {
	groups := []*group{f.raw, f.visible, f.applied}
	if f.wait != nil {
		groups = append(groups, f.wait)
	}
	return groups
}

// startAll starts n members with start, a few at a time, and returns
// stopAll, which stops them all in parallel, once: at the latest when tb
// ends. It fails tb if any does not start.
func startAll(tb testing.TB, n int, start func(i int) (stop func(), err error)) (stopAll func()) {
	tb.Helper()
	stops := make([]func(), n)
	errs := make([]error, n)
	parallel(n, func(i int) { stops[i], errs[i] = start(i) })
	stopAll = sync.OnceFunc(func() {
		var wg sync.WaitGroup
		for _, stop := range stops {
			if stop != nil {
				wg.Go(stop)
			}
		}
		wg.Wait()
		// Stopped members are garbage now: steadyMemory counts what they
		// held, not only what stopping them released.
		clear(stops)
	})
	tb.Cleanup(stopAll)
	for _, err := range errs {
		if err != nil {
			tb.Fatal(err)
		}
	}
	return stopAll
}

// steadyMemory is what the followers hold after the rounds, per follower:
// the heap that stopping and dropping the flagz followers frees, then the
// heap that stopping and dropping the raw watchers frees. A flag set and
// its engine outlive a watcher (engines live as long as the program), so
// they stay out of it. What a connection accumulates as it
// serves (gRPC's header tables, the etcd client's caches) shows here and
// not in the phases measured at start. The running fleet is measured
// several times, its median taken: one instant may catch many followers
// in the middle of a request (gRPC holds a 32 KB buffer while it writes),
// and the raw watchers, idle between changes, never.
func (f *fleet) steadyMemory(tb testing.TB) (flagz, raw memStats) {
	per := func(a, b memStats) memStats {
		n := float64(f.cfg.n)
		return memStats{heap: (a.heap - b.heap) / n, stack: (a.stack - b.stack) / n}
	}
	running := f.medianMemory(tb, steadyReadings)
	f.stopFlagz()
	rawOnly := f.memory(tb)
	f.stopRaw()
	none := f.memory(tb)
	return per(running, rawOnly), per(rawOnly, none)
}

// memStats is live heap and goroutine stack bytes (per follower, in a
// fleet's figures).
type memStats struct{ heap, stack float64 }

// memory returns the live heap and the goroutine stacks after a full
// collection.
func (f *fleet) memory(tb testing.TB) memStats {
	writeHeapProfile(tb, f.phase)
	f.phase++
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return memStats{heap: float64(m.HeapAlloc), stack: float64(m.StackInuse)}
}

// steadyReadings is how many times steadyMemory measures the running
// fleet, readingGap apart.
const (
	steadyReadings = 5
	readingGap     = 200 * time.Millisecond
)

// medianMemory measures k times, gap apart, and returns the median heap
// and the median stack.
func (f *fleet) medianMemory(tb testing.TB, k int) memStats {
	heaps, stacks := make([]float64, k), make([]float64, k)
	for i := range k {
		if i > 0 {
			time.Sleep(readingGap)
		}
		m := f.memory(tb)
		heaps[i], stacks[i] = m.heap, m.stack
	}
	slices.Sort(heaps)
	slices.Sort(stacks)
	return memStats{heap: heaps[k/2], stack: stacks[k/2]}
}

// startClients returns n clients of endpoint and closeAll, which closes
// them, at the latest when tb ends.
func startClients(tb testing.TB, n int, endpoint string) (clients []*clientv3.Client, closeAll func()) {
	tb.Helper()
	clients = make([]*clientv3.Client, n)
	closeAll = startAll(tb, n, func(i int) (func(), error) {
		cli, err := newClient(endpoint)
		if err != nil {
			return nil, err
		}
		clients[i] = cli
		return func() { cli.Close() }, nil
	})
	return clients, closeAll
}

// writeHeapProfile writes a heap profile of the running fleet to the file
// $FLEET_HEAPPROFILE.<phase>, if the variable is set (run with
// -test.memprofilerate=1 to see every allocation): what the followers
// hold, while they run. pprof -diff_base between two phases shows what one
// kind of follower added.
func writeHeapProfile(tb testing.TB, phase int) {
	path := os.Getenv("FLEET_HEAPPROFILE")
	if path == "" {
		return
	}
	out, err := os.Create(fmt.Sprintf("%s.%d", path, phase))
	if err != nil {
		tb.Fatal(err)
	}
	defer out.Close()
	runtime.GC()
	runtime.GC()
	if err := pprof.WriteHeapProfile(out); err != nil {
		tb.Fatal(err)
	}
}

package etcd

import (
	"context"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/benchmarks/internal/latency"
	"github.com/flagz-go/flagz/watcher/etcdtest"
	"github.com/spf13/pflag"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// Run with at least 1000 puts:
//
//	go test -run '^$' -bench PutToVisible -benchtime 1000x ./etcd/

// BenchmarkPutToVisible measures, for each put, the time from the start of
// the put until the new value is visible: through flagz (watcher → engine →
// DynInt64.Get), through a raw clientv3 watch that parses the value into
// an atomic (the floor), and through the same raw watch given the watcher's
// watch options (prefix, WithProgressNotify, WithRequireLeader).
// All follow the same server, each on its own client, and one poll loop
// watches all three after the same put, so they share every condition of
// the run.
func BenchmarkPutToVisible(b *testing.B) {
	srv := newServer(b)
	writer := srv.Client(b)
	if _, err := writer.Put(context.Background(), key(0), "1"); err != nil {
		b.Fatal(err)
	}

	fs := pflag.NewFlagSet("bench", pflag.ContinueOnError)
	rate := flagz.DynInt64(fs, flagName(0), 0, "rate")
	startWatcher(b, fs, etcdtest.NewClient(b, srv.Endpoint()))

	var raw, rawOpts atomic.Int64
	rawDone := followRaw(b, etcdtest.NewClient(b, srv.Endpoint()), &raw)
	rawOptsDone := followRaw(b, etcdtest.NewClient(b, srv.Endpoint()), &rawOpts, watchOptions...)

	flagzLat := make([]time.Duration, 0, b.N)
	rawLat := make([]time.Duration, 0, b.N)
	rawOptsLat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		v := int64(i + 2)
		start := time.Now()
		if _, err := writer.Put(context.Background(), key(0), strconv.FormatInt(v, 10)); err != nil {
			b.Fatal(err)
		}
		var flagzAt, rawAt, rawOptsAt time.Duration
		deadline := start.Add(10 * time.Second)
		for flagzAt == 0 || rawAt == 0 || rawOptsAt == 0 {
			if flagzAt == 0 && rate.Get() == v {
				flagzAt = time.Since(start)
			}
			if rawAt == 0 && raw.Load() == v {
				rawAt = time.Since(start)
			}
			if rawOptsAt == 0 && rawOpts.Load() == v {
				rawOptsAt = time.Since(start)
			}
			if time.Now().After(deadline) {
				b.Fatalf("put %d not visible after 10s (flagz %v, raw %v, raw with options %v)", v, flagzAt, rawAt, rawOptsAt)
			}
			runtime.Gosched()
		}
		flagzLat = append(flagzLat, flagzAt)
		rawLat = append(rawLat, rawAt)
		rawOptsLat = append(rawOptsLat, rawOptsAt)
	}
	b.StopTimer()
	rawDone()
	rawOptsDone()

	f, r, ro := flagzLat, rawLat, rawOptsLat
	b.ReportMetric(latency.Percentile(f, 0.50), "flagz-p50-ms")
	b.ReportMetric(latency.Percentile(f, 0.99), "flagz-p99-ms")
	b.ReportMetric(latency.Percentile(r, 0.50), "raw-p50-ms")
	b.ReportMetric(latency.Percentile(r, 0.99), "raw-p99-ms")
	b.ReportMetric(latency.Percentile(ro, 0.50), "rawopts-p50-ms")
	b.ReportMetric(latency.Percentile(ro, 0.99), "rawopts-p99-ms")
	b.ReportMetric(latency.Percentile(f, 0.50)/latency.Percentile(r, 0.50), "p50-ratio")
	b.ReportMetric(latency.Percentile(f, 0.99)/latency.Percentile(r, 0.99), "p99-ratio")
	b.ReportMetric(latency.Percentile(f, 0.99)/latency.Percentile(ro, 0.99), "p99-ratio-opts")
	b.ReportMetric(0, "ns/op") // the loop's time is the waits
}

// watchOptions are the options the watcher's watch uses (design §3); the
// second raw follower uses them too, to separate what they cost the server
// from what flagz adds.
var watchOptions = []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithProgressNotify()}

// followRaw is the floor: a clientv3 watch on the key, its value parsed into
// v. The returned function stops it and waits for its goroutine.
func followRaw(b *testing.B, cli *clientv3.Client, v *atomic.Int64, opts ...clientv3.OpOption) func() {
	ctx, cancel := context.WithCancel(context.Background())
	w := key(0)
	if len(opts) > 0 {
		ctx = clientv3.WithRequireLeader(ctx)
		w = prefix + "/"
	}
	wch := cli.Watch(ctx, w, opts...)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for resp := range wch {
			for _, ev := range resp.Events {
				if n, err := strconv.ParseInt(string(ev.Kv.Value), 10, 64); err == nil {
					v.Store(n)
				}
			}
		}
	}()
	// Wait until the watch is established: a put must reach it.
	mark := time.Now().UnixNano()
	if _, err := cli.Put(context.Background(), key(0), strconv.FormatInt(mark, 10)); err != nil {
		b.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for v.Load() != mark {
		if time.Now().After(deadline) {
			b.Fatal("raw watch not established after 10s")
		}
		time.Sleep(time.Millisecond)
	}
	return func() { cancel(); <-done }
}

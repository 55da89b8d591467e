package etcd

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/benchmarks/internal/latency"
	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/watcher"
	"github.com/spf13/pflag"
	clientv3 "go.etcd.io/etcd/client/v3"
)

const resyncFlags = 10_000

// BenchmarkFullResync measures what the watcher does after a compaction or
// a reconnect: list every key under the prefix (pages of 1000) and reconcile
// 10,000 flags. Each iteration times three things on the same server:
//
//   - raw-list: the floor, a paged clientv3 Get of the same keys into a map;
//   - flagz-same: a resync that finds every value unchanged;
//   - flagz-changed: a resync after every value changed (the writes are
//     not timed).
//
// Run: go test -run '^$' -bench FullResync -benchtime 20x ./etcd/
func BenchmarkFullResync(b *testing.B) {
	srv := newServer(b)
	cli := srv.Client(b)
	putAll(b, cli, resyncFlags, func(int) string { return "1" })

	fs := pflag.NewFlagSet("bench", pflag.ContinueOnError)
	for i := range resyncFlags {
		flagz.DynInt64(fs, flagName(i), 0, "flag")
	}
	// Never started: each Initialize after the first is a full resync
	// (list + Reconcile), the path a compaction or reconnect takes.
	w, err := watcher.New(fs, cli, prefix, watcher.WithLogger(quiet))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := w.Initialize(ctx); err != nil {
		b.Fatal(err)
	}

	var raw, same, changed []time.Duration
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		if n := rawList(b, cli); n != resyncFlags {
			b.Fatalf("raw list read %d keys", n)
		}
		raw = append(raw, time.Since(start))

		start = time.Now()
		report, err := w.Initialize(ctx)
		if err != nil {
			b.Fatal(err)
		}
		same = append(same, time.Since(start))
		if report.Count(record.Unchanged) != resyncFlags {
			b.Fatalf("unchanged resync: %d unchanged", report.Count(record.Unchanged))
		}

		b.StopTimer()
		value := strconv.Itoa(i + 2)
		putAll(b, cli, resyncFlags, func(int) string { return value })
		b.StartTimer()
		start = time.Now()
		report, err = w.Initialize(ctx)
		if err != nil {
			b.Fatal(err)
		}
		changed = append(changed, time.Since(start))
		if report.Count(record.Applied) != resyncFlags {
			b.Fatalf("changed resync: %d applied", report.Count(record.Applied))
		}
	}
	b.StopTimer()
	r, s, c := raw, same, changed
	b.ReportMetric(latency.Percentile(r, 0.5), "raw-list-ms")
	b.ReportMetric(latency.Percentile(s, 0.5), "flagz-same-ms")
	b.ReportMetric(latency.Percentile(c, 0.5), "flagz-changed-ms")
	b.ReportMetric(latency.Percentile(s, 0.5)/latency.Percentile(r, 0.5), "same-ratio")
	b.ReportMetric(latency.Percentile(c, 0.5)/latency.Percentile(r, 0.5), "changed-ratio")
	b.ReportMetric(0, "ns/op")
}

// rawList reads every key under the prefix in pages of 1000 at one
// revision, as the watcher does, into a map; it returns how many it read.
func rawList(b *testing.B, cli *clientv3.Client) int {
	values := map[string]string{}
	k, end := prefix+"/", clientv3.GetPrefixRangeEnd(prefix+"/")
	var rev int64
	for {
		opts := []clientv3.OpOption{clientv3.WithRange(end), clientv3.WithLimit(1000)}
		if rev != 0 {
			opts = append(opts, clientv3.WithRev(rev))
		}
		resp, err := cli.Get(context.Background(), k, opts...)
		if err != nil {
			b.Fatal(err)
		}
		rev = resp.Header.Revision
		for _, kv := range resp.Kvs {
			values[string(kv.Key)] = string(kv.Value)
		}
		if !resp.More {
			return len(values)
		}
		k = string(append(resp.Kvs[len(resp.Kvs)-1].Key, 0))
	}
}

package nats

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/pflag"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/benchmarks/internal/latency"
	"github.com/flagz-go/flagz/natskv"
	"github.com/flagz-go/flagz/record"
)

const relistFlags = 10_000

// BenchmarkFullRelist measures what the source does after a gap or a
// reconnect: list every key of the bucket (a watch up to its "initial
// values done" marker) and reconcile 10,000 flags. Each iteration times,
// on the same server:
//
//   - raw-list: the floor, a jetstream watcher of the bucket read up to
//     its marker into a map;
//   - flagz-same: a relist that finds every value unchanged;
//   - flagz-changed: a relist after every value changed (the writes are
//     not timed).
//
// Run: go test -run '^$' -bench FullRelist -benchtime 10x ./nats/
func BenchmarkFullRelist(b *testing.B) {
	url, writer := newServer(b)
	putAll(b, writer, relistFlags, func(int) string { return "1" })
	js := connect(b, url)
	fs := pflag.NewFlagSet("bench", pflag.ContinueOnError)
	for i := range relistFlags {
		flagz.DynInt64(fs, flagName(i), 0, "flag")
	}
	// Never started: each Initialize after the first is a full relist
	// (list + reconcile), the path a gap or a reconnect takes.
	s, err := natskv.New(fs, js, bucket, natskv.WithLogger(quiet))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := s.Initialize(ctx); err != nil {
		b.Fatal(err)
	}
	kv, err := js.KeyValue(ctx, bucket)
	if err != nil {
		b.Fatal(err)
	}

	var raw, same, changed []time.Duration
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		if n := rawList(b, kv); n != relistFlags {
			b.Fatalf("raw list read %d keys", n)
		}
		raw = append(raw, time.Since(start))

		start = time.Now()
		report, err := s.Initialize(ctx)
		if err != nil {
			b.Fatal(err)
		}
		same = append(same, time.Since(start))
		if n := report.Count(record.Applied); n != 0 {
			b.Fatalf("unchanged relist applied %d", n)
		}

		b.StopTimer()
		putAll(b, writer, relistFlags, func(int) string { return strconv.Itoa(i + 2) })
		b.StartTimer()
		start = time.Now()
		report, err = s.Initialize(ctx)
		if err != nil {
			b.Fatal(err)
		}
		changed = append(changed, time.Since(start))
		if n := report.Count(record.Applied); n != relistFlags {
			b.Fatalf("changed relist applied %d", n)
		}
	}
	b.StopTimer()
	latency.Report(b, "raw-list-", raw)
	latency.Report(b, "flagz-same-", same)
	latency.Report(b, "flagz-changed-", changed)
	b.ReportMetric(latency.Percentile(same, 0.50)/latency.Percentile(raw, 0.50), "same/raw-p50")
	b.ReportMetric(latency.Percentile(changed, 0.50)/latency.Percentile(raw, 0.50), "changed/raw-p50")
}

// rawList reads the last value of every key of the bucket into a map, up
// to the watcher's marker, and returns how many it read.
func rawList(b *testing.B, kv jetstream.KeyValue) int {
	w, err := kv.WatchAll(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	defer w.Stop()
	values := map[string]string{}
	for e := range w.Updates() {
		if e == nil {
			break
		}
		values[e.Key()] = string(e.Value())
	}
	return len(values)
}

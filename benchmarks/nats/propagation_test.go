package nats

import (
	"context"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/pflag"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/benchmarks/internal/latency"
)

// Run with at least 1000 puts:
//
//	go test -run '^$' -bench PutToVisible -benchtime 1000x ./nats/

// BenchmarkPutToVisible measures, for each put, the time from the start of
// the put until the new value is visible: through flagz (natskv source →
// engine → DynInt64.Get) and through a raw jetstream key watcher of the
// whole bucket that parses the value into an atomic (the floor). Both
// follow the same server, each on its own connection, and one poll loop
// watches both after the same put, so they share every condition of the
// run.
func BenchmarkPutToVisible(b *testing.B) {
	url, writer := newServer(b)
	if _, err := writer.Put(context.Background(), flagName(0), []byte("1")); err != nil {
		b.Fatal(err)
	}
	fs := pflag.NewFlagSet("bench", pflag.ContinueOnError)
	rate := flagz.DynInt64(fs, flagName(0), 0, "rate")
	startSource(b, fs, connect(b, url))
	var raw atomic.Int64
	followRaw(b, connect(b, url), &raw)

	flagzLat := make([]time.Duration, 0, b.N)
	rawLat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		v := int64(i + 2)
		start := time.Now()
		if _, err := writer.Put(context.Background(), flagName(0), []byte(strconv.FormatInt(v, 10))); err != nil {
			b.Fatal(err)
		}
		var flagzAt, rawAt time.Duration
		deadline := start.Add(10 * time.Second)
		for flagzAt == 0 || rawAt == 0 {
			if flagzAt == 0 && rate.Get() == v {
				flagzAt = time.Since(start)
			}
			if rawAt == 0 && raw.Load() == v {
				rawAt = time.Since(start)
			}
			if time.Now().After(deadline) {
				b.Fatalf("put %d not visible after 10s (flagz %v, raw %v)", v, flagzAt, rawAt)
			}
			runtime.Gosched()
		}
		flagzLat = append(flagzLat, flagzAt)
		rawLat = append(rawLat, rawAt)
	}
	b.StopTimer()

	f, r := flagzLat, rawLat
	b.ReportMetric(latency.Percentile(f, 0.50), "flagz-p50-ms")
	b.ReportMetric(latency.Percentile(f, 0.99), "flagz-p99-ms")
	b.ReportMetric(latency.Percentile(r, 0.50), "raw-p50-ms")
	b.ReportMetric(latency.Percentile(r, 0.99), "raw-p99-ms")
	b.ReportMetric(latency.Percentile(f, 0.50)/latency.Percentile(r, 0.50), "p50-ratio")
	b.ReportMetric(latency.Percentile(f, 0.99)/latency.Percentile(r, 0.99), "p99-ratio")
	b.ReportMetric(0, "ns/op") // the loop's time is the waits
}

// followRaw is the floor: a jetstream watcher of the whole bucket (as the
// source watches it), each value parsed into v, until the benchmark ends.
func followRaw(b *testing.B, js jetstream.JetStream, v *atomic.Int64) {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	kv, err := js.KeyValue(ctx, bucket)
	if err != nil {
		b.Fatal(err)
	}
	w, err := kv.WatchAll(ctx, jetstream.UpdatesOnly())
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for e := range w.Updates() {
			if e == nil {
				continue
			}
			if n, err := strconv.ParseInt(string(e.Value()), 10, 64); err == nil {
				v.Store(n)
			}
		}
	}()
	b.Cleanup(func() {
		cancel() // ends the watch; the client closes its channel
		<-done
	})
}

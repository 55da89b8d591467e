package scrape

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"runtime/trace"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/benchmarks/internal/cputime"
	"github.com/flagz-go/flagz/monitoring"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/pflag"
)

const flags = 10_000

// bigSet declares 10,000 dynamic flags and a few static ones, and a source
// that loaded values for changed of them, as a large service has.
func bigSet(b *testing.B, changed int) (*pflag.FlagSet, *flagz.Source, *prometheus.Registry) {
	b.Helper()
	fs := pflag.NewFlagSet("big", pflag.ContinueOnError)
	for i := range flags {
		flagz.DynInt64(fs, fmt.Sprintf("flag_%05d", i), int64(i), "a dynamic flag")
	}
	for i := range 10 {
		fs.String(fmt.Sprintf("static_%d", i), "x", "a static flag")
	}
	src := flagz.EngineFor(fs).Source("etcd", slog.New(slog.DiscardHandler))
	values := map[string]string{}
	for i := range changed {
		values[fmt.Sprintf("flag_%05d", i)] = fmt.Sprint(i + 1)
	}
	src.Load(1, values)
	reg := prometheus.NewRegistry()
	if _, err := monitoring.Register(reg, fs); err != nil {
		b.Fatal(err)
	}
	return fs, src, reg
}

// BenchmarkCollect is one scrape of the flag set's metrics, gathered as the
// Prometheus handler does; 100 or all 10,000 flags changed by a source.
func BenchmarkCollect(b *testing.B) {
	for _, changed := range []int{100, flags} {
		b.Run(fmt.Sprintf("changed=%d", changed), func(b *testing.B) {
			_, _, reg := bigSet(b, changed)
			b.ReportAllocs()
			defer cputime.Start().Report(b)
			for b.Loop() {
				if _, err := reg.Gather(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkApplyWhileScraping applies one change every 100 µs through the
// source, as a watcher following a busy etcd does, and reports the latency
// percentiles of the applies. Its source set 100 or all 10,000 flags of
// bigSet (so the metrics hold as many update counters); for each, in the
// same run on the same flag set:
//
//   - scraper=none: nothing else runs;
//   - scraper=gather: another goroutine gathers the metrics back to back;
//   - scraper=gather+stw: the same, and the world is stopped twice just
//     before each apply (runtime.ReadMemStats), as a garbage collection
//     cycle does at its start and end: this is what testing.B's
//     StopTimer and StartTimer around the pause did in this benchmark's
//     first version, and it shows what an apply costs right after a
//     stop-the-world, when the scraper may have been stopped holding a lock.
//
// ns/op is the mean latency of one apply (the pause between applies is not
// measured); gathers/s is how many scrapes the scraper finished meanwhile.
func BenchmarkApplyWhileScraping(b *testing.B) {
	for _, changed := range []int{100, flags} {
		b.Run(fmt.Sprintf("changed=%d", changed), func(b *testing.B) {
			applyWhileScraping(b, changed)
		})
	}
}

// applyWhileScraping runs the cases of BenchmarkApplyWhileScraping on a
// flag set whose source set changed flags (so the metrics hold an update
// counter for each).
func applyWhileScraping(b *testing.B, changed int) {
	_, src, reg := bigSet(b, changed)
	rev := int64(1)
	ctx := context.Background()
	for _, mode := range []string{"none", "gather", "gather+stw"} {
		b.Run("scraper="+mode, func(b *testing.B) {
			stop := make(chan struct{})
			var wg sync.WaitGroup
			var gathers atomic.Int64
			if mode != "none" {
				wg.Go(func() {
					for {
						select {
						case <-stop:
							return
						default:
						}
						if _, err := reg.Gather(); err != nil {
							panic(err)
						}
						gathers.Add(1)
					}
				})
			}
			var lat []time.Duration
			var ms runtime.MemStats
			start := time.Now()
			for b.Loop() {
				time.Sleep(100 * time.Microsecond)
				if mode == "gather+stw" {
					runtime.ReadMemStats(&ms)
					runtime.ReadMemStats(&ms)
				}
				rev++
				values := map[string]string{"flag_00042": strconv.FormatInt(rev, 10)} // the batch, as a watcher hands it over
				t := time.Now()
				trace.WithRegion(ctx, "apply", func() { // for go test -trace
					src.Update(rev, values)
				})
				lat = append(lat, time.Since(t))
			}
			elapsed := time.Since(start)
			close(stop)
			wg.Wait()
			reportLatency(b, lat)
			if mode != "none" {
				b.ReportMetric(float64(gathers.Load())/elapsed.Seconds(), "gathers/s")
			}
		})
	}
}

// reportLatency reports the mean of lat as ns/op, its median and its 99th
// percentile.
func reportLatency(b *testing.B, lat []time.Duration) {
	var sum time.Duration
	for _, d := range lat {
		sum += d
	}
	slices.Sort(lat)
	b.ReportMetric(float64(sum.Nanoseconds())/float64(len(lat)), "ns/op")
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
}

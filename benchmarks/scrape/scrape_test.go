package scrape

import (
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/flagz-go/flagz"
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
			for b.Loop() {
				if _, err := reg.Gather(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkApplyWhileScraping applies one change every 100 µs through the
// source, as a watcher following a busy etcd does, while another goroutine
// scrapes in a loop, and reports the latency percentiles of the applies
// (the pause between applies is not measured).
func BenchmarkApplyWhileScraping(b *testing.B) {
	_, src, reg := bigSet(b, 100)
	stop := make(chan struct{})
	var wg sync.WaitGroup
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
		}
	})
	var lat []time.Duration
	i := 0
	for b.Loop() {
		i++
		b.StopTimer()
		time.Sleep(100 * time.Microsecond)
		b.StartTimer()
		start := time.Now()
		src.Update(int64(i+1), map[string]string{"flag_00042": fmt.Sprint(i)})
		lat = append(lat, time.Since(start))
	}
	close(stop)
	wg.Wait()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

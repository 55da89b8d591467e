// Package latency measures how long a change takes to become visible, for
// the benchmarks that compare flagz's sources with their peers.
package latency

import (
	"slices"
	"testing"
	"time"
)

// Timeout is how long WaitVisible waits before it fails the benchmark.
const Timeout = 10 * time.Second

// WaitVisible polls visible every 20µs until it holds and returns the time
// since start; it fails tb, naming what, if Timeout passes first.
func WaitVisible(tb testing.TB, start time.Time, what string, visible func() bool) time.Duration {
	tb.Helper()
	deadline := start.Add(Timeout)
	for !visible() {
		if time.Now().After(deadline) {
			tb.Fatalf("%s not visible after %v", what, Timeout)
		}
		time.Sleep(20 * time.Microsecond)
	}
	return time.Since(start)
}

// Percentile returns the p-th quantile (0.5, 0.99, …) of samples, in
// milliseconds. samples is left as it was.
func Percentile(samples []time.Duration, p float64) float64 {
	sorted := slices.Clone(samples)
	slices.Sort(sorted)
	return float64(sorted[int(p*float64(len(sorted)-1))]) / float64(time.Millisecond)
}

// Report reports the 50th and 99th percentiles of samples as the metrics
// "<prefix>p50-ms" and "<prefix>p99-ms", and zeroes ns/op, which the waits
// make meaningless.
func Report(b *testing.B, prefix string, samples []time.Duration) {
	b.ReportMetric(Percentile(samples, 0.50), prefix+"p50-ms")
	b.ReportMetric(Percentile(samples, 0.99), prefix+"p99-ms")
	b.ReportMetric(0, "ns/op")
}

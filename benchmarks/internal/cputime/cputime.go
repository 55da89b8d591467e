// Package cputime reports the CPU time a benchmark's process spent per
// operation, beside testing's wall time. On a machine shared with other
// work, wall time counts the waits for a core; CPU time counts only what
// the benchmark ran (its goroutines, the garbage collector included), so
// it moves much less with the machine's load.
package cputime

import (
	"testing"
	"time"
)

// Span is a measurement started by Start.
type Span struct{ start time.Duration }

// Start reads the process's CPU time (user and system) now.
func Start() Span { return Span{start: used()} }

// Report reports the CPU time since Start divided by b.N as "cpu-ns/op".
// Call it after the benchmark's loop, usually deferred:
//
//	defer cputime.Start().Report(b)
func (s Span) Report(b *testing.B) {
	if b.N == 0 || s.start < 0 {
		return
	}
	if now := used(); now >= 0 {
		b.ReportMetric(float64(now-s.start)/float64(b.N), "cpu-ns/op")
	}
}

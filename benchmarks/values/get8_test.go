package values

import (
	"testing"

	"github.com/flagz-go/flagz/benchmarks/internal/cputime"
)

// BenchmarkGet8 reads an int64 eight times per iteration, summing the
// reads, so the loop's own cost is spread over eight Gets and what remains is
// the cost of one Get (ns/op divided by 8).
func BenchmarkGet8(b *testing.B) {
	b.Run("int64/flagz", func(b *testing.B) {
		b.ReportAllocs()
		defer cputime.Start().Report(b)
		var v int64
		for b.Loop() {
			v += zInt64.Get() + zInt64.Get() + zInt64.Get() + zInt64.Get() +
				zInt64.Get() + zInt64.Get() + zInt64.Get() + zInt64.Get()
		}
		keep(v)
	})
	b.Run("int64/dflag", func(b *testing.B) {
		b.ReportAllocs()
		defer cputime.Start().Report(b)
		var v int64
		for b.Loop() {
			v += dInt64.Get() + dInt64.Get() + dInt64.Get() + dInt64.Get() +
				dInt64.Get() + dInt64.Get() + dInt64.Get() + dInt64.Get()
		}
		keep(v)
	})
	b.Run("int64/atomic", func(b *testing.B) {
		b.ReportAllocs()
		defer cputime.Start().Report(b)
		var v int64
		for b.Loop() {
			v += aInt64.Get() + aInt64.Get() + aInt64.Get() + aInt64.Get() +
				aInt64.Get() + aInt64.Get() + aInt64.Get() + aInt64.Get()
		}
		keep(v)
	})
}

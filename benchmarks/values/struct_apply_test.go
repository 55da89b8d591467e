package values

import (
	"fmt"
	"log/slog"
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/spf13/pflag"
)

// BenchmarkApply measures a source's batch of plain (non-struct) flags
// through the engine: Engine.Source(...).Update of 1 and of 10 names, each
// batch changing every value it names. It is the path a struct's
// one-batch-one-swap grouping passes through; for flags that are no struct
// field it must cost the same before and after that grouping.
func BenchmarkApply(b *testing.B) {
	for _, n := range []int{1, 10} {
		b.Run(fmt.Sprintf("%d", n), func(b *testing.B) {
			fs := pflag.NewFlagSet("apply", pflag.ContinueOnError)
			names := make([]string, n)
			for i := range n {
				names[i] = fmt.Sprintf("flag_%02d", i)
				flagz.DynInt64(fs, names[i], 0, "")
			}
			src := flagz.EngineFor(fs).Source("bench", slog.New(slog.DiscardHandler))
			batches := [2]map[string]string{{}, {}}
			for _, name := range names {
				batches[0][name] = int64Inputs[0]
				batches[1][name] = int64Inputs[1]
			}
			b.ReportAllocs()
			rev := int64(0)
			for b.Loop() {
				rev++
				src.Update(rev, batches[rev&1])
			}
		})
	}
}

package values

import (
	"fmt"
	"log/slog"
	"strconv"
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/spf13/pflag"
)

// BenchmarkSourceUpdate applies a source's batch, as a watcher hands one
// over: one name, or 1,000 names, each time a new value; with no
// subscriber, or with one that keeps up. It measures the apply path (the
// per-batch and per-name work of the engine), not the parsing of values.
func BenchmarkSourceUpdate(b *testing.B) {
	for _, names := range []int{1, 1000} {
		for _, subscribed := range []bool{false, true} {
			b.Run(fmt.Sprintf("names=%d/subscriber=%t", names, subscribed), func(b *testing.B) {
				fs := pflag.NewFlagSet("apply", pflag.ContinueOnError)
				keys := make([]string, names)
				for i := range keys {
					keys[i] = fmt.Sprintf("flag_%04d", i)
					flagz.DynInt64(fs, keys[i], 0, "")
				}
				e := flagz.EngineFor(fs)
				if subscribed {
					defer e.Subscribe(func(flagz.Event) {})()
				}
				src := e.Source("bench", slog.New(slog.DiscardHandler))
				batches := [2]map[string]string{{}, {}}
				for j := range batches {
					for _, k := range keys {
						batches[j][k] = strconv.Itoa(j + 1)
					}
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
}

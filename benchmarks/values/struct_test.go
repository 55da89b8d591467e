package values

import (
	"log/slog"
	"strconv"
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/spf13/pflag"
)

// five is a struct of five related settings.
type five struct{ A, B, C, D, E int64 }

var (
	sfs     = pflag.NewFlagSet("struct", pflag.ContinueOnError)
	zStruct = flagz.DynStruct(sfs, "five", five{1, 2, 3, 4, 5}, "")
	zFive   = flagz.DynJSONOf(sfs, "five-json", five{1, 2, 3, 4, 5}, "") // the same struct as one Dyn
	// five plain flags, each set on its own
	zPlain = func() [5]*flagz.DynInt64Value {
		var out [5]*flagz.DynInt64Value
		for i, name := range fiveNames("plain") {
			out[i] = flagz.DynInt64(sfs, name, 0, "")
		}
		return out
	}()
)

func fiveNames(prefix string) [5]string {
	return [5]string{prefix + ".a", prefix + ".b", prefix + ".c", prefix + ".d", prefix + ".e"}
}

// BenchmarkStructGet reads a DynStruct of five int64 fields beside a
// single Dyn holding the same struct (DynJSONOf) and a DynInt64: Get of a
// struct is one atomic load and a copy, as a Dyn's.
func BenchmarkStructGet(b *testing.B) {
	b.Run("dynstruct", func(b *testing.B) {
		b.ReportAllocs()
		var v five
		for b.Loop() {
			v = zStruct.Get()
		}
		keep(v)
	})
	b.Run("dyn-of-struct", func(b *testing.B) {
		b.ReportAllocs()
		var v five
		for b.Loop() {
			v = zFive.Get()
		}
		keep(v)
	})
	b.Run("dyn-int64", func(b *testing.B) {
		b.ReportAllocs()
		var v int64
		for b.Loop() {
			v = zInt64.Get()
		}
		keep(v)
	})
	b.Run("dynstruct-parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			var v five
			for pb.Next() {
				v = zStruct.Get()
			}
			keep(v)
		})
	})
	b.Run("dyn-of-struct-parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			var v five
			for pb.Next() {
				v = zFive.Get()
			}
			keep(v)
		})
	})
}

// BenchmarkStructBatch changes five values through a source of the engine:
// the five fields of a DynStruct in one batch (one swap, one validation,
// one notification), five plain flags in one batch (five swaps), and the
// five fields of the struct set one at a time (five swaps of the struct).
// Every iteration changes every value.
func BenchmarkStructBatch(b *testing.B) {
	src := flagz.EngineFor(sfs).Source("bench", slog.New(slog.DiscardHandler))
	batches := func(names [5]string) [2]map[string]string {
		var out [2]map[string]string
		for k := range out {
			out[k] = map[string]string{}
			for i, name := range names {
				out[k][name] = strconv.Itoa(k*10 + i)
			}
		}
		return out
	}
	run := func(name string, names [5]string, apply func(rev int64, values map[string]string)) {
		b.Run(name, func(b *testing.B) {
			bs := batches(names)
			b.ReportAllocs()
			rev := int64(0)
			for b.Loop() {
				rev++
				apply(rev, bs[rev&1])
			}
		})
	}
	run("struct-one-batch", fiveNames("five"), func(rev int64, values map[string]string) { src.Update(rev, values) })
	run("plain-one-batch", fiveNames("plain"), func(rev int64, values map[string]string) { src.Update(rev, values) })
	run("struct-five-sets", fiveNames("five"), func(_ int64, values map[string]string) {
		for _, name := range fiveNames("five") {
			if err := sfs.Set(name, values[name]); err != nil {
				b.Fatal(err)
			}
		}
	})
	run("plain-five-sets", fiveNames("plain"), func(_ int64, values map[string]string) {
		for i, name := range fiveNames("plain") {
			if err := zPlain[i].Set(values[name]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

package values

import (
	"flag"
	"testing"
	"time"

	"fortio.org/dflag"
	"fortio.org/sets"
	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/benchmarks/internal/cputime"
	"github.com/spf13/pflag"
	"google.golang.org/protobuf/types/known/structpb"
)

type route struct {
	Backends []string `json:"backends"`
	Weight   int      `json:"weight"`
}

var (
	pfs = pflag.NewFlagSet("flagz", pflag.ContinueOnError)
	dfs = flag.NewFlagSet("dflag", flag.ContinueOnError)

	zBool     = flagz.DynBool(pfs, "bool", true, "")
	zInt64    = flagz.DynInt64(pfs, "int64", 42, "")
	zFloat64  = flagz.DynFloat64(pfs, "float64", 0.5, "")
	zString   = flagz.DynString(pfs, "string", "hello", "")
	zDuration = flagz.DynDuration(pfs, "duration", time.Second, "")
	zSlice    = flagz.DynStringSlice(pfs, "slice", []string{"a", "b", "c", "d"}, "")
	zSet      = flagz.DynStringSet(pfs, "set", []string{"a", "b", "c", "d"}, "")
	zJSON     = flagz.DynJSON(pfs, "json", &route{Backends: []string{"a"}, Weight: 1}, "")
	zJSONOf   = flagz.DynJSONOf(pfs, "jsonof", route{Backends: []string{"a"}, Weight: 1}, "")
	zJSONOfU  = flagz.DynJSONOf(pfs, "jsonofu", route{Backends: []string{"a"}, Weight: 1}, "").AllowUnknownFields()
	zProto    = flagz.DynProto(pfs, "proto", mustStruct(map[string]any{"mode": "safe"}), "")

	dBool     = dflag.Dyn(dfs, "bool", true, "")
	dInt64    = dflag.Dyn(dfs, "int64", int64(42), "")
	dFloat64  = dflag.Dyn(dfs, "float64", 0.5, "")
	dString   = dflag.Dyn(dfs, "string", "hello", "")
	dDuration = dflag.Dyn(dfs, "duration", time.Second, "")
	dSlice    = dflag.Dyn(dfs, "slice", []string{"a", "b", "c", "d"}, "")
	dSet      = dflag.Dyn(dfs, "set", sets.FromSlice([]string{"a", "b", "c", "d"}), "")
	dJSON     = dflag.DynJSON(dfs, "json", &route{Backends: []string{"a"}, Weight: 1}, "")

	aBool     = func() *atomicBool { a := &atomicBool{}; a.v.Store(true); return a }()
	aInt64    = func() *atomicInt64 { a := &atomicInt64{}; a.v.Store(42); return a }()
	aFloat64  = &atomicFloat64{}
	aString   = newAtomicRef("hello")
	aDuration = func() *atomicDuration { a := &atomicDuration{}; a.v.Store(int64(time.Second)); return a }()
	aSlice    = newAtomicRef([]string{"a", "b", "c", "d"})
	aSet      = newAtomicRef(map[string]struct{}{"a": {}, "b": {}, "c": {}, "d": {}})
	aJSON     = newAtomicRef(&route{Backends: []string{"a"}, Weight: 1})
	aProto    = newAtomicRef(mustStruct(map[string]any{"mode": "safe"}))
)

func mustStruct(m map[string]any) *structpb.Struct {
	s, err := structpb.NewStruct(m)
	if err != nil {
		panic(err)
	}
	return s
}

// getCase is one read measured: a type and an implementation. Each loop
// is written out so that the call is direct (and inlinable), as in a
// program; a shared helper would measure an indirect call instead.
type getCase struct {
	name     string
	serial   func(b *testing.B)
	parallel func(pb *testing.PB)
}

// keep stops the compiler from dropping a read whose result is unused.
//
//go:noinline
func keep[T any](T) {}

var getCases = []getCase{
	{"bool/flagz",
		func(b *testing.B) {
			var v bool
			for b.Loop() {
				v = zBool.Get()
			}
			keep(v)
		},
		func(pb *testing.PB) {
			var v bool
			for pb.Next() {
				v = zBool.Get()
			}
			keep(v)
		}},
	{"bool/dflag",
		func(b *testing.B) {
			var v bool
			for b.Loop() {
				v = dBool.Get()
			}
			keep(v)
		},
		func(pb *testing.PB) {
			var v bool
			for pb.Next() {
				v = dBool.Get()
			}
			keep(v)
		}},
	{"bool/atomic",
		func(b *testing.B) {
			var v bool
			for b.Loop() {
				v = aBool.Get()
			}
			keep(v)
		},
		func(pb *testing.PB) {
			var v bool
			for pb.Next() {
				v = aBool.Get()
			}
			keep(v)
		}},
	{"int64/flagz",
		func(b *testing.B) {
			var v int64
			for b.Loop() {
				v = zInt64.Get()
			}
			keep(v)
		},
		func(pb *testing.PB) {
			var v int64
			for pb.Next() {
				v = zInt64.Get()
			}
			keep(v)
		}},
	{"int64/dflag",
		func(b *testing.B) {
			var v int64
			for b.Loop() {
				v = dInt64.Get()
			}
			keep(v)
		},
		func(pb *testing.PB) {
			var v int64
			for pb.Next() {
				v = dInt64.Get()
			}
			keep(v)
		}},
	{"int64/atomic",
		func(b *testing.B) {
			var v int64
			for b.Loop() {
				v = aInt64.Get()
			}
			keep(v)
		},
		func(pb *testing.PB) {
			var v int64
			for pb.Next() {
				v = aInt64.Get()
			}
			keep(v)
		}},
	{"float64/flagz",
		func(b *testing.B) {
			var v float64
			for b.Loop() {
				v = zFloat64.Get()
			}
			keep(v)
		},
		func(pb *testing.PB) {
			var v float64
			for pb.Next() {
				v = zFloat64.Get()
			}
			keep(v)
		}},
	{"float64/dflag",
		func(b *testing.B) {
			var v float64
			for b.Loop() {
				v = dFloat64.Get()
			}
			keep(v)
		},
		func(pb *testing.PB) {
			var v float64
			for pb.Next() {
				v = dFloat64.Get()
			}
			keep(v)
		}},
	{"float64/atomic",
		func(b *testing.B) {
			var v float64
			for b.Loop() {
				v = aFloat64.Get()
			}
			keep(v)
		},
		func(pb *testing.PB) {
			var v float64
			for pb.Next() {
				v = aFloat64.Get()
			}
			keep(v)
		}},
	{"string/flagz",
		func(b *testing.B) {
			var v string
			for b.Loop() {
				v = zString.Get()
			}
			keep(v)
		},
		func(pb *testing.PB) {
			var v string
			for pb.Next() {
				v = zString.Get()
			}
			keep(v)
		}},
	{"string/dflag",
		func(b *testing.B) {
			var v string
			for b.Loop() {
				v = dString.Get()
			}
			keep(v)
		},
		func(pb *testing.PB) {
			var v string
			for pb.Next() {
				v = dString.Get()
			}
			keep(v)
		}},
	{"string/atomic",
		func(b *testing.B) {
			var v string
			for b.Loop() {
				v = aString.Get()
			}
			keep(v)
		},
		func(pb *testing.PB) {
			var v string
			for pb.Next() {
				v = aString.Get()
			}
			keep(v)
		}},
	{"duration/flagz",
		func(b *testing.B) {
			var v time.Duration
			for b.Loop() {
				v = zDuration.Get()
			}
			keep(v)
		},
		func(pb *testing.PB) {
			var v time.Duration
			for pb.Next() {
				v = zDuration.Get()
			}
			keep(v)
		}},
	{"duration/dflag",
		func(b *testing.B) {
			var v time.Duration
			for b.Loop() {
				v = dDuration.Get()
			}
			keep(v)
		},
		func(pb *testing.PB) {
			var v time.Duration
			for pb.Next() {
				v = dDuration.Get()
			}
			keep(v)
		}},
	{"duration/atomic",
		func(b *testing.B) {
			var v time.Duration
			for b.Loop() {
				v = aDuration.Get()
			}
			keep(v)
		},
		func(pb *testing.PB) {
			var v time.Duration
			for pb.Next() {
				v = aDuration.Get()
			}
			keep(v)
		}},
	{"stringslice/flagz",
		func(b *testing.B) {
			var v []string
			for b.Loop() {
				v = zSlice.Get()
			}
			keep(v)
		},
		func(pb *testing.PB) {
			var v []string
			for pb.Next() {
				v = zSlice.Get()
			}
			keep(v)
		}},
	{"stringslice/dflag",
		func(b *testing.B) {
			var v []string
			for b.Loop() {
				v = dSlice.Get()
			}
			keep(v)
		},
		func(pb *testing.PB) {
			var v []string
			for pb.Next() {
				v = dSlice.Get()
			}
			keep(v)
		}},
	{"stringslice/atomic",
		func(b *testing.B) {
			var v []string
			for b.Loop() {
				v = aSlice.Get()
			}
			keep(v)
		},
		func(pb *testing.PB) {
			var v []string
			for pb.Next() {
				v = aSlice.Get()
			}
			keep(v)
		}},
	{"stringset/flagz",
		func(b *testing.B) {
			var v map[string]struct{}
			for b.Loop() {
				v = zSet.Get()
			}
			keep(v)
		},
		func(pb *testing.PB) {
			var v map[string]struct{}
			for pb.Next() {
				v = zSet.Get()
			}
			keep(v)
		}},
	{"stringset/dflag",
		func(b *testing.B) {
			var v sets.Set[string]
			for b.Loop() {
				v = dSet.Get()
			}
			keep(v)
		},
		func(pb *testing.PB) {
			var v sets.Set[string]
			for pb.Next() {
				v = dSet.Get()
			}
			keep(v)
		}},
	{"stringset/atomic",
		func(b *testing.B) {
			var v map[string]struct{}
			for b.Loop() {
				v = aSet.Get()
			}
			keep(v)
		},
		func(pb *testing.PB) {
			var v map[string]struct{}
			for pb.Next() {
				v = aSet.Get()
			}
			keep(v)
		}},
	{"json/flagz",
		func(b *testing.B) {
			var v any
			for b.Loop() {
				v = zJSON.Get()
			}
			keep(v)
		},
		func(pb *testing.PB) {
			var v any
			for pb.Next() {
				v = zJSON.Get()
			}
			keep(v)
		}},
	{"json/dflag",
		func(b *testing.B) {
			var v any
			for b.Loop() {
				v = dJSON.Get()
			}
			keep(v)
		},
		func(pb *testing.PB) {
			var v any
			for pb.Next() {
				v = dJSON.Get()
			}
			keep(v)
		}},
	{"json/atomic",
		func(b *testing.B) {
			var v *route
			for b.Loop() {
				v = aJSON.Get()
			}
			keep(v)
		},
		func(pb *testing.PB) {
			var v *route
			for pb.Next() {
				v = aJSON.Get()
			}
			keep(v)
		}},
	{"jsontyped/flagz",
		func(b *testing.B) {
			var v route
			for b.Loop() {
				v = zJSONOf.Get()
			}
			keep(v)
		},
		func(pb *testing.PB) {
			var v route
			for pb.Next() {
				v = zJSONOf.Get()
			}
			keep(v)
		}},
	{"proto/flagz",
		func(b *testing.B) {
			var v *structpb.Struct
			for b.Loop() {
				v = zProto.Get()
			}
			keep(v)
		},
		func(pb *testing.PB) {
			var v *structpb.Struct
			for pb.Next() {
				v = zProto.Get()
			}
			keep(v)
		}},
	{"proto/atomic",
		func(b *testing.B) {
			var v *structpb.Struct
			for b.Loop() {
				v = aProto.Get()
			}
			keep(v)
		},
		func(pb *testing.PB) {
			var v *structpb.Struct
			for pb.Next() {
				v = aProto.Get()
			}
			keep(v)
		}},
}

// BenchmarkGet reads a value on one goroutine.
func BenchmarkGet(b *testing.B) {
	for _, c := range getCases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			defer cputime.Start().Report(b)
			c.serial(b)
		})
	}
}

// BenchmarkGetParallel reads a value on every core at once.
func BenchmarkGetParallel(b *testing.B) {
	for _, c := range getCases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			defer cputime.Start().Report(b)
			b.RunParallel(c.parallel)
		})
	}
}

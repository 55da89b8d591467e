package values

import (
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"testing"

	"fortio.org/dflag"
	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/benchmarks/internal/cputime"
	"github.com/spf13/pflag"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"
)

// Inputs alternate between two values so that every Set changes the value
// (flagz skips the swap and the notifiers for a value it already holds).
var (
	int64Inputs = [2]string{"12345", "67890"}
	sliceInputs = [2]string{"alpha,beta,gamma,delta", "one,two,three,four"}
	jsonInputs  = [2]string{`{"backends":["a","b"],"weight":3}`, `{"backends":["c"],"weight":4}`}
	protoInputs = [2]string{`{"mode":"fast","shards":4}`, `{"mode":"safe","shards":2}`}
)

// BenchmarkSet parses and stores a value.
func BenchmarkSet(b *testing.B) {
	run := func(name string, set func(i int) error) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			defer cputime.Start().Report(b)
			i := 0
			for b.Loop() {
				if err := set(i); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
	run("int64/flagz", func(i int) error { return zInt64.Set(int64Inputs[i&1]) })
	run("int64/dflag", func(i int) error { return dInt64.Set(int64Inputs[i&1]) })
	run("int64/atomic", func(i int) error { return aInt64.Set(int64Inputs[i&1]) })

	run("stringslice/flagz", func(i int) error { return zSlice.Set(sliceInputs[i&1]) })
	run("stringslice/dflag", func(i int) error { return dSlice.Set(sliceInputs[i&1]) })
	run("stringslice/atomic", func(i int) error { // go-flagz parsed lists with encoding/csv
		v, err := csv.NewReader(strings.NewReader(sliceInputs[i&1])).Read()
		aSlice.Store(v)
		return err
	})

	run("json/flagz", func(i int) error { return zJSON.Set(jsonInputs[i&1]) })
	run("jsontyped/flagz", func(i int) error { return zJSONOf.Set(jsonInputs[i&1]) })
	run("jsontyped-lenient/flagz", func(i int) error { return zJSONOfU.Set(jsonInputs[i&1]) })
	run("json/dflag", func(i int) error { return dJSON.Set(jsonInputs[i&1]) })
	run("json/atomic", func(i int) error {
		v := &route{}
		err := json.Unmarshal([]byte(jsonInputs[i&1]), v)
		aJSON.Store(v)
		return err
	})

	run("proto/flagz", func(i int) error { return zProto.Set(protoInputs[i&1]) })
	run("proto/atomic", func(i int) error {
		v := &structpb.Struct{}
		err := protojson.Unmarshal([]byte(protoInputs[i&1]), v)
		aProto.Store(v)
		return err
	})
}

// BenchmarkChecksum hashes every flag of a set.
func BenchmarkChecksum(b *testing.B) {
	for _, n := range []int{20, 1000} {
		zfs := pflag.NewFlagSet("flagz", pflag.ContinueOnError)
		dfs := flag.NewFlagSet("dflag", flag.ContinueOnError)
		for i := range n {
			name := fmt.Sprintf("flag_%04d", i)
			flagz.DynInt64(zfs, name, int64(i), "")
			dflag.Dyn(dfs, name, int64(i), "")
		}
		b.Run(fmt.Sprintf("%d/flagz", n), func(b *testing.B) {
			b.ReportAllocs()
			defer cputime.Start().Report(b)
			for b.Loop() {
				keep(flagz.ChecksumFlagSet(zfs, nil))
			}
		})
		b.Run(fmt.Sprintf("%d/dflag", n), func(b *testing.B) {
			b.ReportAllocs()
			defer cputime.Start().Report(b)
			for b.Loop() {
				keep(dflag.ChecksumFlagSet(dfs, nil))
			}
		})
	}
}

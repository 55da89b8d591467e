package etcd

import (
	"context"
	"runtime"
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/spf13/pflag"
	clientv3 "go.etcd.io/etcd/client/v3"
)

const memoryFlags = 10_000

// BenchmarkMemoryPerFlag measures the live heap per flag, over 10,000
// flags, of:
//
//   - flag-B: declaring a DynInt64 on a pflag set (no watcher);
//   - watch-B: what the watcher adds once it has loaded every flag from
//     etcd and follows the prefix (the engine's per-flag records, the
//     source's held and applied texts);
//   - raw-B: the floor for following the same keys with clientv3, a map
//     of key to value.
//
// The embedded etcd server runs in the same process, so a few hundred
// kilobytes of its own allocations add noise to each figure.
//
// Run: go test -run '^$' -bench MemoryPerFlag -benchtime 3x ./etcd/
func BenchmarkMemoryPerFlag(b *testing.B) {
	srv := newServer(b)
	cli := srv.Client(b)
	putAll(b, cli, memoryFlags, func(int) string { return "1" })

	var flagB, watchB, rawB float64
	for range b.N {
		m0 := heap()
		fs := pflag.NewFlagSet("bench", pflag.ContinueOnError)
		for i := range memoryFlags {
			flagz.DynInt64(fs, flagName(i), 0, "flag")
		}
		m1 := heap()
		w := startWatcher(b, fs, cli)
		m2 := heap()
		w.Stop()
		runtime.KeepAlive(fs)

		m3 := heap()
		values := rawValues(b, cli)
		m4 := heap()
		runtime.KeepAlive(values)

		flagB += float64(m1-m0) / memoryFlags
		watchB += float64(m2-m1) / memoryFlags
		rawB += float64(m4-m3) / memoryFlags
	}
	n := float64(b.N)
	b.ReportMetric(flagB/n, "flag-B")
	b.ReportMetric(watchB/n, "watch-B")
	b.ReportMetric(rawB/n, "raw-B")
	b.ReportMetric((watchB/n)/(rawB/n), "watch/raw")
	b.ReportMetric(0, "ns/op")
}

// rawValues reads every key under the prefix into a map, dropping the
// response.
func rawValues(b *testing.B, cli *clientv3.Client) map[string]string {
	resp, err := cli.Get(context.Background(), prefix+"/", clientv3.WithPrefix())
	if err != nil {
		b.Fatal(err)
	}
	values := make(map[string]string, len(resp.Kvs))
	for _, kv := range resp.Kvs {
		values[string(kv.Key)] = string(kv.Value)
	}
	return values
}

// heap returns the live heap after a full collection.
func heap() int64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

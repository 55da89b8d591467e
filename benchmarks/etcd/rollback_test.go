package etcd

import (
	"context"
	"testing"
	"time"

	"github.com/flagz-go/flagz/benchmarks/internal/latency"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// Run with at least 1000 iterations:
//
//	go test -run '^$' -bench RollbackRead -benchtime 5000x ./etcd/

// BenchmarkRollbackRead measures what a rollback asks of etcd for each
// refused write, against a plain read of the key in the same iteration:
// the read of the key at the revision before the refused one (the value to
// put back, from etcd's history: clientv3.WithRev), and the guarded
// transaction that puts it back. Each iteration writes a refused value
// (not timed) over a key among 1,000 flag keys, then times a Get of the
// key's latest value (the floor) and the Get at the revision before the
// refused write, in alternating order, then the transaction.
func BenchmarkRollbackRead(b *testing.B) {
	srv := newServer(b)
	cli := srv.Client(b)
	const flags = 1000
	putAll(b, cli, flags, func(int) string { return "500" })
	ctx := context.Background()
	k := key(flags / 2)

	latest := make([]time.Duration, 0, b.N)
	before := make([]time.Duration, 0, b.N)
	txn := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		bad, err := cli.Put(ctx, k, "-1")
		if err != nil {
			b.Fatal(err)
		}
		rev := bad.Header.Revision
		b.StartTimer()

		getLatest := func() {
			start := time.Now()
			if _, err := cli.Get(ctx, k); err != nil {
				b.Fatal(err)
			}
			latest = append(latest, time.Since(start))
		}
		if i%2 == 0 { // half the time first, so that neither read gains from going second
			getLatest()
		}
		start := time.Now()
		resp, err := cli.Get(ctx, k, clientv3.WithRev(rev-1))
		if err != nil {
			b.Fatal(err)
		}
		before = append(before, time.Since(start))
		if len(resp.Kvs) != 1 || string(resp.Kvs[0].Value) != "500" {
			b.Fatalf("the key before revision %d = %v, want 500", rev, resp.Kvs)
		}
		if i%2 == 1 {
			getLatest()
		}

		start = time.Now()
		tr, err := cli.Txn(ctx).
			If(clientv3.Compare(clientv3.ModRevision(k), "=", rev)).
			Then(clientv3.OpPut(k, string(resp.Kvs[0].Value))).
			Commit()
		if err != nil || !tr.Succeeded {
			b.Fatalf("write back: %v (succeeded %v)", err, err == nil && tr.Succeeded)
		}
		txn = append(txn, time.Since(start))
	}
	b.StopTimer()
	latency.Report(b, "get-", latest)
	latency.Report(b, "getrev-", before)
	latency.Report(b, "txn-", txn)
	b.ReportMetric(latency.Percentile(before, 0.50)/latency.Percentile(latest, 0.50), "p50-ratio")
	b.ReportMetric(latency.Percentile(before, 0.99)/latency.Percentile(latest, 0.99), "p99-ratio")
}

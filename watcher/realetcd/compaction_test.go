package realetcd_test

import (
	"testing"
	"time"

	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/watcher"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// Fault test 5: while the watcher is cut off from etcd, flags change, one is
// deleted, and the history is compacted. When the network returns, the
// client resumes the watch at a compacted revision; the watcher lists the
// prefix again and converges, the deleted flag back at its default.
func TestCompactionWhileDisconnected(t *testing.T) {
	proxy, writer, cli := proxiedEtcd(t)
	put(t, writer, "rate", "250")
	put(t, writer, "name", "alice")

	logs := &logRecorder{}
	f := newTestFlags()
	// No progress requests: the broken stream is noticed by the client,
	// which resumes the watch where it was, into the compacted range.
	w, _ := startWatcher(t, f.fs, cli,
		watcher.WithLogger(slogTo(logs)),
		watcher.WithHealthCheck(time.Hour, time.Second),
		watcher.WithBackoff(10*time.Millisecond, 200*time.Millisecond))
	eventually(t, "loaded", func() bool { return f.rate.Get() == 250 })

	proxy.Cut()
	put(t, writer, "rate", "400")
	del(t, writer, "name")
	put(t, writer, "limit", "7")
	rev := put(t, writer, "rate", "401")
	if _, err := writer.Compact(ctxT(t), rev, clientv3.WithCompactPhysical()); err != nil {
		t.Fatalf("compact: %v", err)
	}
	if f.rate.Get() != 250 {
		t.Fatalf("rate changed to %d through a cut network", f.rate.Get())
	}
	proxy.Restore()

	eventually(t, "converged after the compaction", func() bool {
		return f.rate.Get() == 401 && f.name.Get() == "default-name" && f.limit.Get() == 7 &&
			state(w) == record.StateServing
	})
	if !logs.logged("compacted") {
		t.Error("the watcher did not go through the compacted-revision path")
	}
	put(t, writer, "rate", "402")
	eventually(t, "rate = 402 after the relist", func() bool { return f.rate.Get() == 402 })
}

// A bad value written while the watcher was cut off, and compacted away
// from the history, is found by the relist and rolled back to the value
// this process last applied.
func TestBadValueFoundByRelistIsRolledBack(t *testing.T) {
	proxy, writer, cli := proxiedEtcd(t)
	put(t, writer, "rate", "250")

	logs := &logRecorder{}
	f := newTestFlags()
	startWatcher(t, f.fs, cli,
		watcher.WithLogger(slogTo(logs)),
		watcher.WithHealthCheck(time.Hour, time.Second),
		watcher.WithBackoff(10*time.Millisecond, 200*time.Millisecond))

	proxy.Cut()
	put(t, writer, "rate", "-5")
	rev := put(t, writer, "name", "after-the-bad-value") // the compaction removes the bad write's revision
	if _, err := writer.Compact(ctxT(t), rev, clientv3.WithCompactPhysical()); err != nil {
		t.Fatalf("compact: %v", err)
	}
	proxy.Restore()

	eventually(t, "bad rate rolled back to 250 in etcd", func() bool {
		v, _ := get(t, writer, "rate")
		return v == "250"
	})
	eventually(t, "name applied by the relist", func() bool { return f.name.Get() == "after-the-bad-value" })
	if f.rate.Get() != 250 {
		t.Errorf("rate = %d, want the last good 250", f.rate.Get())
	}
	if !logs.logged("compacted") {
		t.Error("the watcher did not go through the compacted-revision path")
	}
}

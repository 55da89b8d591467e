package realetcd_test

import (
	"context"
	"testing"
	"time"

	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/watcher"
	"github.com/flagz-go/flagz/watcher/etcdtest"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// healthInterval is the health-check interval of the tests below, and
// healthTimeout their request timeout: waiting 40 intervals spans four
// timeouts, time enough for a watcher that takes silence for a failure to
// relist.
const (
	healthInterval = 50 * time.Millisecond
	healthTimeout  = 10 * healthInterval
)

// idleWatcher starts a watcher with fast health checks whose logs go to
// logs, on a prefix holding a flag and an unknown key (every listing counts
// the unknown key as ignored again).
func idleWatcher(t *testing.T, cli *clientv3.Client, logs *logRecorder) (*watcher.Watcher, *testFlags) {
	t.Helper()
	put(t, cli, "rate", "250")
	put(t, cli, "nosuch", "1")
	f := newTestFlags()
	w, _ := startWatcher(t, f.fs, cli,
		watcher.WithLogger(slogTo(logs)),
		watcher.WithHealthCheck(healthInterval, healthTimeout),
		watcher.WithBackoff(10*time.Millisecond, 200*time.Millisecond))
	return w, f
}

// stayServing lets the watcher run through n health-check intervals (until
// it confirmed etcd current n intervals from now) and fails the test if it
// left SERVING, listed the prefix again, or logged a warning meanwhile.
func stayServing(t *testing.T, w *watcher.Watcher, logs *logRecorder, n int) {
	t.Helper()
	before := w.Status()
	until := time.Now().Add(time.Duration(n) * healthInterval)
	var left []record.SourceStatus
	eventually(t, "health checks through the idle time", func() bool {
		st := w.Status()
		if st.State != record.StateServing {
			left = append(left, st)
		}
		return st.LastSync.After(until)
	})
	after := w.Status()
	if len(left) > 0 {
		t.Errorf("left SERVING while etcd was quiet: %+v", left[0])
	}
	if !after.Since.Equal(before.Since) {
		t.Errorf("state re-entered at %v (was since %v): the watcher relisted", after.Since, before.Since)
	}
	if after.Ignored != before.Ignored || after.Applied != before.Applied {
		t.Errorf("counters moved from %+v to %+v: the watcher relisted", before, after)
	}
	if warns := logs.warnings(); len(warns) > 0 {
		t.Errorf("%d warnings logged, first %q", len(warns), warns[0])
	}
}

// Issue 9.1: on a quiet etcd (no write at all since the listing), etcd
// answers no progress request on the watch; the watcher still stays
// SERVING through many health checks, with no relist and no warning, and
// keeps following.
func TestQuietEtcdStaysServing(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	logs := &logRecorder{}
	w, f := idleWatcher(t, cli, logs)
	listed := w.Status().LastRevision

	stayServing(t, w, logs, 40)
	if got := w.Status().LastRevision; got != listed {
		t.Errorf("last revision = %d, want the listing's %d", got, listed)
	}

	// A write outside the prefix moves etcd past the watch's start: the
	// watcher confirms the new revision with a progress notification.
	writeElsewhere(t, cli, w)
	stayServing(t, w, logs, 20)

	put(t, cli, "rate", "300")
	eventually(t, "rate = 300", func() bool { return f.rate.Get() == 300 })
}

// etcd answers a progress request only when every watch on the gRPC stream
// is synced and started at or below the store revision. A watch of the
// caller's on the same client, from a revision etcd has not reached, must
// not silence the watcher's health check.
func TestCallersFutureWatchOnTheSameClient(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	logs := &logRecorder{}
	w, _ := idleWatcher(t, cli, logs)

	ctx, cancel := context.WithCancel(clientv3.WithRequireLeader(context.Background()))
	defer cancel()
	cli.Watch(ctx, "/callers/key", clientv3.WithRev(w.Status().LastRevision+1_000_000))
	writeElsewhere(t, cli, w)
	stayServing(t, w, logs, 40)
}

// writeElsewhere writes a key outside the prefix and waits until the
// watcher has confirmed the revision of that write.
func writeElsewhere(t *testing.T, cli *clientv3.Client, w *watcher.Watcher) {
	t.Helper()
	resp, err := cli.Put(ctxT(t), "/elsewhere/key", "x")
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "revision of the write elsewhere confirmed", func() bool {
		return w.Status().LastRevision >= resp.Header.Revision
	})
}

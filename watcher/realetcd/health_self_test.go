package realetcd_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flagz-go/flagz/watcher"
	"github.com/flagz-go/flagz/watcher/etcdtest"
	"github.com/flagz-go/flagz/watcher/presence"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// WithHealth publishes the process's own health in its presence record,
// with the reason: unhealthy once the check fails, healthy again once it
// passes; a check that panics or hangs is unhealthy too. A check that
// keeps saying the same costs no write.
func TestSelfHealthInPresence(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	var mode atomic.Int32 // 0 healthy, 1 failing, 2 panicking, 3 hanging
	var checks atomic.Int64
	check := func(ctx context.Context) error {
		checks.Add(1)
		switch mode.Load() {
		case 1:
			return errors.New("429s above 10% for 5s")
		case 2:
			panic("boom")
		case 3:
			<-ctx.Done()
			return nil
		}
		return nil
	}
	f := newTestFlags()
	startWatcher(t, f.fs, cli, presenceOptions("proc-h", watcher.WithHealth(check), watcher.WithHealthInterval(20*time.Millisecond))...)
	awaitRecord(t, cli, "proc-h", "serving", func(r presence.Record) bool { return r.State == "SERVING" })

	mode.Store(1)
	rec := awaitRecord(t, cli, "proc-h", "unhealthy", func(r presence.Record) bool { return r.Health != nil && !r.Health.OK })
	if rec.Health.Reason != "429s above 10% for 5s" || rec.Health.Since.IsZero() {
		t.Errorf("health = %+v", rec.Health)
	}
	// The same answer again: no write. One write per turn, not per check.
	before := revisionOf(t, cli, "proc-h")
	ran := checks.Load()
	eventually(t, "ten more checks", func() bool { return checks.Load() >= ran+10 })
	if after := revisionOf(t, cli, "proc-h"); after != before {
		t.Errorf("the record was written again (mod revision %d, then %d) while the check kept failing", before, after)
	}
	mode.Store(0)
	awaitRecord(t, cli, "proc-h", "healthy again", func(r presence.Record) bool { return r.Health != nil && r.Health.OK && r.Health.Reason == "" })
	mode.Store(2)
	rec = awaitRecord(t, cli, "proc-h", "unhealthy after a panic", func(r presence.Record) bool { return r.Health != nil && !r.Health.OK })
	if !strings.Contains(rec.Health.Reason, "panicked") {
		t.Errorf("after a panic: %+v", rec.Health)
	}
	mode.Store(0)
	awaitRecord(t, cli, "proc-h", "healthy again", func(r presence.Record) bool { return r.Health != nil && r.Health.OK })
	mode.Store(3)
	rec = awaitRecord(t, cli, "proc-h", "unhealthy when the check hangs", func(r presence.Record) bool { return r.Health != nil && !r.Health.OK })
	if !strings.Contains(rec.Health.Reason, "did not return within 20ms") {
		t.Errorf("a hanging check: %+v", rec.Health)
	}
	mode.Store(0)
}

// revisionOf returns the mod revision of the status key of the process id.
func revisionOf(t *testing.T, cli *clientv3.Client, id string) int64 {
	t.Helper()
	resp, err := cli.Get(ctxT(t), presence.Key(prefix, id))
	if err != nil || len(resp.Kvs) == 0 {
		t.Fatalf("status key of %s: %v", id, err)
	}
	return resp.Kvs[0].ModRevision
}

// WithHealth needs WithPresence, where it is published; a nil check or a
// too short interval is refused.
func TestSelfHealthOptions(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	f := newTestFlags()
	ok := func(context.Context) error { return nil }
	for _, tc := range []struct {
		opts []watcher.Option
		want string
	}{
		{[]watcher.Option{watcher.WithHealth(ok)}, "add WithPresence"},
		{[]watcher.Option{watcher.WithPresence(), watcher.WithHealth(nil)}, "WithHealth"},
		{[]watcher.Option{watcher.WithPresence(), watcher.WithHealth(ok), watcher.WithHealthInterval(time.Millisecond)}, "WithHealthInterval"},
	} {
		if _, err := watcher.New(f.fs, cli, prefix, tc.opts...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New: %v, want an error naming %s", err, tc.want)
		}
	}
}

package watcher_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/watcher"
	"github.com/flagz-go/flagz/watcher/etcdtest"
)

// Fault test 9: a process that starts while etcd is down serves the values
// the snapshot file kept, reports DEGRADED, and follows etcd once it
// answers.
func TestSnapshotFileServesValuesWhileEtcdIsDown(t *testing.T) {
	srv := etcdtest.Start(t)
	path := filepath.Join(t.TempDir(), "flags.json")
	cli := srv.Client(t)
	put(t, cli, "rate", "250")
	put(t, cli, "port", "9090")
	put(t, cli, "limit", "bad") // never applied: not saved

	first := newTestFlags()
	w1, _ := startWatcher(t, first.fs, cli, fastOptions(watcher.WithSnapshotFile(path))...)
	put(t, cli, "rate", "321")
	put(t, cli, "name", "bob")
	eventually(t, "first process applied the updates", func() bool {
		return first.rate.Get() == 321 && first.name.Get() == "bob"
	})
	w1.Stop()
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("snapshot file: %v, %v; want mode 0600", fi, err)
	}
	cli.Close()
	srv.Stop()

	// A new process, etcd down.
	second := newTestFlags()
	cli2 := etcdtest.NewClient(t, srv.Endpoint())
	w2 := newWatcher(t, second.fs, cli2, fastOptions(
		watcher.WithSnapshotFile(path),
		watcher.WithHealthCheck(100*time.Millisecond, 300*time.Millisecond))...)
	report, err := w2.Initialize(context.Background())
	if err != nil {
		t.Fatalf("Initialize with etcd down and a snapshot file: %v", err)
	}
	if second.rate.Get() != 321 || second.name.Get() != "bob" || *second.port != 9090 || second.limit.Get() != 10 {
		t.Errorf("from the snapshot: rate %d, name %q, port %d, limit %d; want 321, bob, 9090, 10",
			second.rate.Get(), second.name.Get(), *second.port, second.limit.Get())
	}
	if report.Count(flagz.Applied) != 3 {
		t.Errorf("snapshot report = %+v, want 3 applied", report)
	}
	if st := w2.Status(); st.State != flagz.StateDegraded || st.Err == "" {
		t.Errorf("status = %+v, want DEGRADED with a reason", st)
	}
	if err := w2.Start(context.Background()); err != nil {
		t.Fatal(err)
	}

	srv.Restart()
	writer := srv.Client(t)
	put(t, writer, "rate", "654")
	eventually(t, "serving from etcd again", func() bool {
		return second.rate.Get() == 654 && state(w2) == flagz.StateServing
	})
}

// Without a snapshot file, Initialize with etcd down fails and says why.
func TestInitializeFailsWhenEtcdIsDownWithoutSnapshot(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	srv.Stop()
	f := newTestFlags()
	w := newWatcher(t, f.fs, cli, fastOptions(watcher.WithHealthCheck(100*time.Millisecond, 300*time.Millisecond))...)
	if _, err := w.Initialize(context.Background()); err == nil {
		t.Fatal("Initialize with etcd down returned no error")
	}
	if st := w.Status(); st.State != flagz.StateConnecting || st.Err == "" {
		t.Errorf("status = %+v, want CONNECTING with a reason", st)
	}
}

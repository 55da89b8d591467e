package realetcd_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/watcher"
	"github.com/flagz-go/flagz/watcher/etcdtest"
	"go.uber.org/goleak"
)

// Fault test 8: Stop during an outage returns promptly (well within the
// wait timeout, while the client keeps trying to reconnect), a second Stop
// returns too, and no goroutine of the watcher or of its watch is left.
func TestStopDuringOutageLeavesNoGoroutine(t *testing.T) {
	srv := etcdtest.Start(t)
	before := goleak.IgnoreCurrent()

	cli := etcdtest.NewClient(t, srv.Endpoint())
	put(t, cli, "rate", "250")
	f := newTestFlags()
	w := newWatcher(t, f.fs, cli, fastOptions()...)
	if _, err := w.Initialize(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := w.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	eventually(t, "DEGRADED", func() bool { return state(w) == record.StateDegraded })

	stopTwice(t, w, "during an outage")
	if state(w) != record.StateStopped {
		t.Errorf("state after Stop = %v, want STOPPED", state(w))
	}
	if f.rate.Get() != 250 {
		t.Errorf("rate = %d after Stop, want the last good 250", f.rate.Get())
	}
	cli.Close()
	goleak.VerifyNone(t, before)
}

// Stop is idempotent, a stopped watcher can start again and catches up
// with what changed meanwhile, and Start refuses to run twice.
func TestStopThenStartAgain(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	put(t, cli, "rate", "250")
	f := newTestFlags()
	w, _ := startWatcher(t, f.fs, cli, fastOptions()...)
	if err := w.Start(context.Background()); err == nil {
		t.Error("a second Start returned no error")
	}
	if _, err := w.Initialize(context.Background()); err == nil {
		t.Error("Initialize while started returned no error")
	}

	w.Stop()
	w.Stop()
	put(t, cli, "rate", "300")
	del(t, cli, "name")
	if err := w.Start(context.Background()); err != nil {
		t.Fatalf("Start after Stop: %v", err)
	}
	eventually(t, "caught up after the restart", func() bool {
		return f.rate.Get() == 300 && state(w) == record.StateServing
	})
	put(t, cli, "rate", "301")
	eventually(t, "rate = 301", func() bool { return f.rate.Get() == 301 })
}

// Run initializes, follows changes until its context ends, and stops.
func TestRunUntilContextDone(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	put(t, cli, "rate", "250")
	f := newTestFlags()
	w := newWatcher(t, f.fs, cli, fastOptions()...)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	eventually(t, "rate = 250", func() bool { return f.rate.Get() == 250 })
	put(t, cli, "rate", "260")
	eventually(t, "rate = 260", func() bool { return f.rate.Get() == 260 })
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if state(w) != record.StateStopped {
		t.Errorf("state after Run = %v, want STOPPED", state(w))
	}
}

// With a snapshot file the runtime also runs the loop that saves it: Stop
// ends that loop too, a second Stop returns, and no goroutine is left.
func TestStopWithSnapshotFileLeavesNoGoroutine(t *testing.T) {
	srv := etcdtest.Start(t)
	before := goleak.IgnoreCurrent()

	cli := etcdtest.NewClient(t, srv.Endpoint())
	path := filepath.Join(t.TempDir(), "flags.json")
	f := newTestFlags()
	w, _ := startWatcher(t, f.fs, cli, fastOptions(watcher.WithSnapshotFile(path))...)
	put(t, cli, "rate", "321")
	eventually(t, "the change saved in the snapshot file", func() bool {
		data, err := os.ReadFile(path)
		return err == nil && strings.Contains(string(data), "321")
	})
	w.Stop()
	w.Stop()
	cli.Close()
	srv.Stop() // and the server's own goroutines with it
	goleak.VerifyNone(t, before)
}

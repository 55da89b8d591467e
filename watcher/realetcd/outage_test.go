package realetcd_test

import (
	"context"
	"testing"

	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/watcher/etcdtest"
)

// Fault test 4: etcd stops mid-stream and restarts on the same data
// directory and ports, with values changed right after it returns. The
// watcher reports DEGRADED while etcd is down, keeps the last good values,
// and converges after the restart.
func TestEtcdStoppedAndRestarted(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t) // the watcher's
	put(t, cli, "rate", "250")
	put(t, cli, "name", "alice")

	f := newTestFlags()
	w, _ := startWatcher(t, f.fs, cli, fastOptions()...)
	put(t, cli, "rate", "260")
	eventually(t, "rate = 260", func() bool { return f.rate.Get() == 260 })

	srv.Stop()
	eventually(t, "state DEGRADED while etcd is down", func() bool { return state(w) == record.StateDegraded })
	if f.rate.Get() != 260 || f.name.Get() != "alice" {
		t.Errorf("while down: rate = %d, name = %q; want the last good 260, alice", f.rate.Get(), f.name.Get())
	}
	if st := w.Status(); st.Err == "" {
		t.Errorf("DEGRADED status gives no reason: %+v", st)
	}

	srv.Restart()
	writer := srv.Client(t)
	put(t, writer, "rate", "270")
	del(t, writer, "name")
	put(t, writer, "limit", "11")

	eventually(t, "converged after the restart", func() bool {
		return f.rate.Get() == 270 && f.name.Get() == "default-name" && f.limit.Get() == 11 &&
			state(w) == record.StateServing
	})
	// Still following after the recovery.
	put(t, writer, "rate", "280")
	eventually(t, "rate = 280", func() bool { return f.rate.Get() == 280 })
}

// Issue 9.2: the network to etcd is cut after Initialize and before Start,
// so the watch cannot be created. The watcher reports DEGRADED (creating
// the watch is bounded by the request timeout), keeps the last good
// values, retries, and once the network returns it reconciles what changed
// meanwhile and follows again.
func TestCutBeforeTheWatchOpens(t *testing.T) {
	proxy, writer, cli := proxiedEtcd(t)
	put(t, writer, "rate", "250")
	put(t, writer, "name", "alice")

	f := newTestFlags()
	w := newWatcher(t, f.fs, cli, fastOptions()...)
	if _, err := w.Initialize(context.Background()); err != nil {
		t.Fatalf("Initialize: %v", err)
	}
	proxy.Cut()
	if err := w.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	eventually(t, "state DEGRADED while the watch cannot be created", func() bool { return state(w) == record.StateDegraded })
	if st := w.Status(); st.Err == "" {
		t.Errorf("DEGRADED status gives no reason: %+v", st)
	}
	if f.rate.Get() != 250 || f.name.Get() != "alice" {
		t.Errorf("while cut off: rate = %d, name = %q; want the last good 250, alice", f.rate.Get(), f.name.Get())
	}

	put(t, writer, "rate", "260")
	del(t, writer, "name")
	proxy.Restore()
	eventually(t, "reconciled after the network returned", func() bool {
		return f.rate.Get() == 260 && f.name.Get() == "default-name" && state(w) == record.StateServing
	})
	put(t, writer, "rate", "270")
	eventually(t, "rate = 270", func() bool { return f.rate.Get() == 270 })
}

package realetcd_test

import (
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/watcher/etcdtest"
)

// Fault test 2: updates apply, deletes return flags to their defaults, a
// static flag changed after start is not applied and reported "restart
// required", and an unknown key is left in etcd.
func TestUpdateDeleteStaticAndUnknown(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	put(t, cli, "rate", "250")
	put(t, cli, "name", "alice")
	put(t, cli, "port", "9090")

	f := newTestFlags()
	type change struct{ old, new int64 }
	changes := make(chan change, 10)
	f.rate.WithNotifier(func(old, new int64) { changes <- change{old, new} })
	w, _ := startWatcher(t, f.fs, cli, fastOptions()...)

	rev := put(t, cli, "rate", "300")
	eventually(t, "rate = 300", func() bool { return f.rate.Get() == 300 })
	for _, want := range []change{{100, 250}, {250, 300}} { // initial load, then the update
		if c := <-changes; c != want {
			t.Errorf("notifier got %+v, want %+v", c, want)
		}
	}
	if lc := flagState(t, f, "rate").LastChange; lc == nil || lc.Revision != rev || lc.Source != "etcd:"+prefix {
		t.Errorf("last change of rate = %+v, want revision %d from etcd:%s", lc, rev, prefix)
	}

	del(t, cli, "rate")
	eventually(t, "rate back to its default 100", func() bool { return f.rate.Get() == 100 })
	del(t, cli, "name")
	eventually(t, "name back to its default", func() bool { return f.name.Get() == "default-name" })

	put(t, cli, "port", "7070")
	eventually(t, "restart required reported for port", func() bool {
		var n uint64
		flagz.EngineFor(f.fs).VisitUpdateCounts(func(flag, source string, result record.Result, count uint64) {
			if flag == "port" && source == "etcd:"+prefix && result == record.RestartRequired {
				n = count
			}
		})
		return n == 1
	})
	if *f.port != 9090 {
		t.Errorf("static port changed after start to %d", *f.port)
	}
	if w.Status().RestartRequired != 1 {
		t.Errorf("status RestartRequired = %d, want 1", w.Status().RestartRequired)
	}

	ignored := w.Status().Ignored
	put(t, cli, "nosuch", "1")
	put(t, cli, "rate/deeper", "5")
	syncedPast(t, cli, w)
	if got := w.Status().Ignored; got != ignored+2 { // nosuch and the sentinel; the deeper key is not a flag key
		t.Errorf("ignored = %d, want %d", got, ignored+2)
	}
	if v, ok := get(t, cli, "nosuch"); !ok || v != "1" {
		t.Errorf("unknown key nosuch = %q (exists %v), want it left in etcd", v, ok)
	}
	if f.rate.Get() != 100 {
		t.Errorf("deeper key rate/deeper changed rate to %d", f.rate.Get())
	}
	if state(w) != record.StateServing {
		t.Errorf("state = %v, want SERVING", state(w))
	}
}

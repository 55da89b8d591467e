package realetcd_test

import (
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/watcher/etcdtest"
)

// A validator that panics on an update does not take the watcher down: the
// flag keeps its value and later events still apply.
func TestPanickingValidatorDoesNotStopTheWatcher(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	put(t, cli, "fragile", "1")
	f := newTestFlags()
	fragile := flagz.DynInt64(f.fs, "fragile", 0, "panics on 13").WithValidator(func(v int64) error {
		if v == 13 {
			panic("unlucky")
		}
		return nil
	})
	w, _ := startWatcher(t, f.fs, cli, fastOptions()...)

	put(t, cli, "fragile", "13")
	put(t, cli, "rate", "300")
	eventually(t, "rate = 300 after the panic", func() bool { return f.rate.Get() == 300 })
	if fragile.Get() != 1 {
		t.Errorf("fragile = %d, want its last good 1", fragile.Get())
	}
	if state(w) != record.StateServing {
		t.Errorf("state = %v, want SERVING", state(w))
	}
}

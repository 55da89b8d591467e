package realetcd_test

import (
	"strconv"
	"sync"
	"testing"

	"github.com/flagz-go/flagz/watcher/etcdtest"
)

// Fault test 7: 10,000 puts to one flag from another client. The final
// value equals the last write, and the notifier never sees a value go
// backwards.
func TestStormOfPuts(t *testing.T) {
	const puts = 10_000
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	writer := srv.Client(t)
	put(t, cli, "rate", "100") // the default: no notification at the load

	f := newTestFlags()
	var mu sync.Mutex
	var last int64
	var backwards []string
	f.rate.WithNotifier(func(old, new int64) {
		mu.Lock()
		defer mu.Unlock()
		if new <= old || new <= last {
			backwards = append(backwards, strconv.FormatInt(old, 10)+"->"+strconv.FormatInt(new, 10))
		}
		last = new
	})
	startWatcher(t, f.fs, cli, fastOptions()...)

	const lastWrite = 100 + puts
	for i := int64(101); i <= lastWrite; i++ {
		put(t, writer, "rate", strconv.FormatInt(i, 10))
	}
	eventually(t, "rate = last write", func() bool { return f.rate.Get() == lastWrite })
	f.rate.WaitNotified()
	mu.Lock()
	defer mu.Unlock()
	if len(backwards) > 0 {
		t.Errorf("notifier saw %d changes going backwards, first %s", len(backwards), backwards[0])
	}
	if last != lastWrite {
		t.Errorf("last notified value = %d, want %d", last, lastWrite)
	}
}

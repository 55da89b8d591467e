package realnats_test

import (
	"testing"

	"github.com/flagz-go/flagz/record"
)

// A server restarted with the same store directory keeps the bucket: the
// source keeps its values meanwhile, notices the restart within a health
// check (DEGRADED), lists the bucket again and follows it from there,
// rather than waiting for the client's heartbeat check (20 s).
func TestServerRestartWithTheSameStore(t *testing.T) {
	srv := startServer(t)
	_, wjs := connect(t, srv.url())
	kv := createBucket(t, wjs, 10, 1)
	put(t, kv, "rate", "20")
	_, js := connect(t, srv.url())
	f := newTestFlags()
	s := started(t, f.fs, js)

	srv.restart(t)
	if f.rate.Get() != 20 {
		t.Errorf("rate = %d after the restart, want 20 kept", f.rate.Get())
	}
	eventually(t, "a write after the restart", func() bool {
		_, err := kv.Put(ctxT(t), "rate", []byte("40"))
		return err == nil
	})
	eventually(t, "rate = 40 and SERVING", func() bool {
		return f.rate.Get() == 40 && s.Status().State == record.StateServing
	})
	if !wasDegraded(s, "") {
		t.Errorf("the restart went unnoticed: %+v", s.Status().History)
	}
}

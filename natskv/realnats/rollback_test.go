package realnats_test

import (
	"errors"
	"testing"

	"github.com/nats-io/nats.go/jetstream"
)

// value returns the value of key and whether the bucket holds one.
func value(t *testing.T, kv jetstream.KeyValue, key string) (string, bool) {
	t.Helper()
	e, err := kv.Get(ctxT(t), key)
	switch {
	case errors.Is(err, jetstream.ErrKeyNotFound), errors.Is(err, jetstream.ErrKeyDeleted):
		return "", false
	case err != nil:
		t.Fatalf("get %s: %v", key, err)
	}
	return string(e.Value()), true
}

// A value a flag refuses is rolled back to what the key held before the
// refused write, read from the key's history; a key that did not exist
// before is deleted. Both writes are guarded by the refused revision.
func TestRollbackRestoresTheValueBefore(t *testing.T) {
	srv := startServer(t)
	_, js := connect(t, srv.url())
	kv := createBucket(t, js, 10, 1)
	put(t, kv, "rate", "20")
	f := newTestFlags()
	started(t, f.fs, js)
	put(t, kv, "rate", "25") // a good value this process applies
	put(t, kv, "name", "x")  // another key's write between
	eventually(t, "rate = 25", func() bool { return f.rate.Get() == 25 })
	put(t, kv, "rate", "0") // out of range
	eventually(t, "rate's key back to 25", func() bool { v, _ := value(t, kv, "rate"); return v == "25" })
	put(t, kv, "limit", "many") // no int64; the key did not exist before
	eventually(t, "limit's key deleted", func() bool { _, ok := value(t, kv, "limit"); return !ok })
	if f.rate.Get() != 25 || f.limit.Get() != 5 {
		t.Errorf("rate = %d, limit = %d after the rollbacks", f.rate.Get(), f.limit.Get())
	}
}

// A bucket that keeps one value per key has no history before a refused
// write: the source puts back the value it last applied.
func TestRollbackWithoutHistoryPutsBackTheLastApplied(t *testing.T) {
	srv := startServer(t)
	_, js := connect(t, srv.url())
	kv := createBucket(t, js, 1, 1)
	put(t, kv, "rate", "20")
	f := newTestFlags()
	started(t, f.fs, js)
	put(t, kv, "rate", "0")
	eventually(t, "rate's key back to 20", func() bool { v, _ := value(t, kv, "rate"); return v == "20" })
}

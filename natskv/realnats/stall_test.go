package realnats_test

import (
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/flagz-go/flagz/record"
)

// A watch whose consumer the server lost (as after a server restart)
// delivers nothing until the client's heartbeat check resets it, 20 s
// later. The source notices within a health check that the bucket holds a
// revision the watch has not delivered: it reports DEGRADED, lists again
// and follows anew.
func TestStalledWatchIsNoticed(t *testing.T) {
	srv := startServer(t)
	_, js := connect(t, srv.url())
	kv := createBucket(t, js, 10, 1)
	put(t, kv, "rate", "20")
	f := newTestFlags()
	s := started(t, f.fs, js)

	stream, err := js.Stream(ctxT(t), "KV_"+bucket)
	if err != nil {
		t.Fatal(err)
	}
	var consumers []string
	eventually(t, "the watch's consumer", func() bool {
		consumers = nil
		for info := range stream.ListConsumers(ctxT(t)).Info() {
			consumers = append(consumers, info.Name)
		}
		return len(consumers) > 0
	})
	for _, name := range consumers {
		if err := stream.DeleteConsumer(ctxT(t), name); err != nil && err != jetstream.ErrConsumerNotFound {
			t.Fatal(err)
		}
	}
	put(t, kv, "rate", "30")
	eventually(t, "rate = 30", func() bool { return f.rate.Get() == 30 })
	if !wasDegraded(s, "stalled") {
		t.Errorf("the stalled watch was not reported: %+v", s.Status().History)
	}
	eventually(t, "SERVING again", func() bool { return s.Status().State == record.StateServing })
}

package realnats_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/flagz-go/flagz/natskv"
)

// A watch resumed from a revision that was purged skips the gap silently
// (JetStream starts at the first revision it still holds): the source
// notices the jump and lists the bucket again, so names whose keys the
// purge removed return to their defaults. A gap is no outage: the source
// never reports DEGRADED for it. (The health check, which would also see
// that the bucket lost keys, is kept out of the way.)
func TestResumeAfterPurgeListsAgain(t *testing.T) {
	srv := startServer(t)
	_, js := connect(t, srv.url())
	kv := createBucket(t, js, 10, 1)
	put(t, kv, "rate", "20")
	put(t, kv, "name", "listed")
	f := newTestFlags()
	s := newSource(t, f.fs, js, natskv.WithHealthCheck(time.Hour, time.Second))
	if _, err := s.Initialize(context.Background()); err != nil {
		t.Fatal(err)
	}
	put(t, kv, "limit", "7")
	put(t, kv, "rate", "30")
	stream, err := js.Stream(ctxT(t), "KV_"+bucket)
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Purge(ctxT(t), jetstream.WithPurgeSequence(5)); err != nil { // revisions 1 to 4
		t.Fatal(err)
	}
	put(t, kv, "limit", "8") // revision 5: the watch resumes from 3 and gets 5
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the purged names back to their defaults, the new value applied", func() bool {
		return f.rate.Get() == rateDefault && f.name.Get() == nameDefault && f.limit.Get() == 8
	})
	if wasDegraded(s, "") {
		t.Errorf("a gap made the source DEGRADED: %+v", s.Status().History)
	}
}

// A purge adds no revision, so a watch that follows the bucket sees
// nothing of it: the source notices that the bucket holds fewer keys than
// the watch delivered, and lists it again.
func TestPurgeWhileFollowingListsAgain(t *testing.T) {
	srv := startServer(t)
	_, js := connect(t, srv.url())
	kv := createBucket(t, js, 10, 1)
	put(t, kv, "rate", "20")
	put(t, kv, "name", "kept")
	f := newTestFlags()
	started(t, f.fs, js)
	if f.rate.Get() != 20 {
		t.Fatalf("rate = %d after the load", f.rate.Get())
	}
	stream, err := js.Stream(ctxT(t), "KV_"+bucket)
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Purge(ctxT(t), jetstream.WithPurgeSubject("$KV."+bucket+"."+natskv.Key("rate"))); err != nil {
		t.Fatal(err)
	}
	eventually(t, "rate back to its default after its key was purged", func() bool { return f.rate.Get() == rateDefault })
	if f.name.Get() != "kept" {
		t.Errorf("name = %q, want kept", f.name.Get())
	}
}

// A bucket never written lists at revision 0, and its first write is
// revision 1: the source follows from 0, so that the first write after
// the listing is applied like the next.
func TestFirstWriteToAnEmptyBucket(t *testing.T) {
	srv := startServer(t)
	_, js := connect(t, srv.url())
	kv := createBucket(t, js, 10, 1)
	f := newTestFlags()
	started(t, f.fs, js, natskv.WithHealthCheck(time.Hour, time.Second)) // nothing but the watch
	put(t, kv, "rate", "20")
	put(t, kv, "name", "x")
	eventually(t, "both writes applied", func() bool { return f.rate.Get() == 20 && f.name.Get() == "x" })
}

// A bucket deleted and made anew starts its revisions again: the source
// notices that the bucket went back on the revisions it delivered, and
// lists the new bucket.
func TestBucketMadeAnewListsAgain(t *testing.T) {
	srv := startServer(t)
	_, js := connect(t, srv.url())
	kv := createBucket(t, js, 10, 1)
	put(t, kv, "rate", "20")
	put(t, kv, "name", "old")
	put(t, kv, "rate", "25")
	f := newTestFlags()
	started(t, f.fs, js)
	if err := js.DeleteKeyValue(ctxT(t), bucket); err != nil {
		t.Fatal(err)
	}
	kv = createBucket(t, js, 10, 1)
	put(t, kv, "rate", "30")
	eventually(t, "the new bucket's values", func() bool { return f.rate.Get() == 30 && f.name.Get() == nameDefault })
}

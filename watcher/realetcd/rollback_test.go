package realetcd_test

import (
	"errors"
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/watcher"
	"github.com/flagz-go/flagz/watcher/etcdtest"
	"go.etcd.io/etcd/api/v3/mvccpb"
)

// Fault test 3a: a bad value is replaced in etcd by the last good value,
// and a bad value for a flag this process never applied is deleted.
func TestBadValueRolledBack(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	put(t, cli, "rate", "250")
	f := newTestFlags()
	startWatcher(t, f.fs, cli, fastOptions()...)

	put(t, cli, "rate", "-5") // fails the range validator
	eventually(t, "rate rolled back to 250 in etcd", func() bool {
		v, _ := get(t, cli, "rate")
		return v == "250"
	})
	if f.rate.Get() != 250 {
		t.Errorf("rate = %d, want the last good 250", f.rate.Get())
	}
	if rej := flagState(t, f, "rate").LastRejection; rej == nil || rej.New != "-5" {
		t.Errorf("last rejection of rate = %+v, want -5", rej)
	}

	put(t, cli, "limit", "abc") // limit was never applied from etcd
	eventually(t, "bad limit deleted from etcd", func() bool {
		_, ok := get(t, cli, "limit")
		return !ok
	})
	if f.limit.Get() != 10 {
		t.Errorf("limit = %d, want its default", f.limit.Get())
	}
}

// Fault test 3b: two bad values in a row cause at most two rollback writes
// in total, and no ping-pong afterwards.
func TestTwoBadValuesAtMostTwoRollbackWrites(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	start := put(t, cli, "rate", "250")
	f := newTestFlags()
	w, _ := startWatcher(t, f.fs, cli, fastOptions()...)

	put(t, cli, "rate", "-1")
	put(t, cli, "rate", "-2")
	eventually(t, "rate rolled back to 250 in etcd", func() bool {
		v, _ := get(t, cli, "rate")
		return v == "250"
	})
	end := syncedPast(t, cli, w)

	events := history(t, cli, "rate", start, end)
	var rollbacks int
	for _, ev := range events {
		if ev.Type != mvccpb.PUT || string(ev.Kv.Value) != "250" {
			continue
		}
		rollbacks++
	}
	if len(events) != 2+rollbacks || rollbacks < 1 || rollbacks > 2 {
		t.Fatalf("events on rate after the two bad writes: %d, of which %d rollbacks; want 1 or 2 rollbacks and nothing else", len(events), rollbacks)
	}
	if f.rate.Get() != 250 {
		t.Errorf("rate = %d, want 250", f.rate.Get())
	}
}

// Fault test 3c: a newer good write racing the rollback of a bad value
// survives. The validator holds the watcher inside the bad event until the
// good write is in etcd, so the race is decided the same way every run.
func TestRollbackLosesToNewerWrite(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	start := put(t, cli, "gate", "1")

	f := newTestFlags()
	entered, release := make(chan struct{}), make(chan struct{})
	gate := flagz.DynInt64(f.fs, "gate", 0, "blocks on bad values").WithValidator(func(v int64) error {
		if v >= 0 {
			return nil
		}
		close(entered)
		<-release
		return errors.New("must not be negative")
	})
	w, _ := startWatcher(t, f.fs, cli, fastOptions()...)

	put(t, cli, "gate", "-1")
	<-entered
	put(t, cli, "gate", "42")
	close(release)

	eventually(t, "gate = 42", func() bool { return gate.Get() == 42 })
	end := syncedPast(t, cli, w)
	if v, _ := get(t, cli, "gate"); v != "42" {
		t.Errorf("gate in etcd = %q, want the newer write 42", v)
	}
	if events := history(t, cli, "gate", start, end); len(events) != 2 {
		t.Errorf("%d writes to gate, want 2 (the bad one and the newer one, no rollback)", len(events))
	}
}

// With rollback off, a bad value stays in etcd and the flag keeps its last
// good value.
func TestRollbackOff(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	put(t, cli, "rate", "250")
	f := newTestFlags()
	w, _ := startWatcher(t, f.fs, cli, fastOptions(watcher.WithRollback(false))...)

	put(t, cli, "rate", "-5")
	syncedPast(t, cli, w)
	if v, _ := get(t, cli, "rate"); v != "-5" {
		t.Errorf("rate in etcd = %q, want the bad value left alone", v)
	}
	if f.rate.Get() != 250 || w.Status().Rejected != 1 {
		t.Errorf("rate = %d, rejected = %d; want 250 and 1", f.rate.Get(), w.Status().Rejected)
	}
}

package realetcd_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/watcher"
	"github.com/flagz-go/flagz/watcher/etcdtest"
	"github.com/spf13/pflag"
	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// strictRate is a process whose rate flag takes 1..max only (default 5):
// a stricter build than newTestFlags' 1..1,000,000.
func strictRate(max int64) (*pflag.FlagSet, *flagz.DynInt64Value) {
	fs := pflag.NewFlagSet("strict", pflag.ContinueOnError)
	return fs, flagz.DynInt64(fs, "rate", 5, "requests per second").WithValidator(flagz.ValidateDynInt64Range(1, max))
}

// writes returns the values written to key (relative to prefix) in
// (from, to], a deletion as "<deleted>".
func writes(t *testing.T, cli *clientv3.Client, key string, from, to int64) []string {
	t.Helper()
	var out []string
	for _, ev := range history(t, cli, key, from, to) {
		if ev.Type == mvccpb.DELETE {
			out = append(out, "<deleted>")
			continue
		}
		out = append(out, string(ev.Kv.Value))
	}
	return out
}

// Issue 25.11, as reproduced: the fleet held rate=500; a stricter process,
// which had refused 500 at its start (so it never applied a good value),
// refuses 600. The rollback undoes the write: the key holds 500 again, not
// deleted, and the fleet is back at 500. The stricter process does not undo
// its own restore of 500, which it refuses too: one rollback write, no
// ping-pong.
func TestRollbackRestoresTheValueBeforeTheRefusedWrite(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	start := put(t, cli, "rate", "500")

	lenient := newTestFlags()
	wl, _ := startWatcher(t, lenient.fs, etcdtest.NewClient(t, srv.Endpoint()), fastOptions()...)
	strictFS, strict := strictRate(100)
	ws, report := startWatcher(t, strictFS, etcdtest.NewClient(t, srv.Endpoint()), fastOptions()...)
	if o := outcomeOf(report, "rate"); o.Result != record.Rejected {
		t.Fatalf("strict process's initial load of rate = %v, want Rejected", o)
	}

	put(t, cli, "rate", "600")
	end := settled(t, cli, ws, wl)
	if v, ok := get(t, cli, "rate"); !ok || v != "500" {
		t.Errorf("rate in etcd = %q (exists %v), want 500 back", v, ok)
	}
	if got, want := writes(t, cli, "rate", start, end), []string{"600", "500"}; !slices.Equal(got, want) {
		t.Errorf("writes to rate = %q, want %q (one rollback, no ping-pong)", got, want)
	}
	if lenient.rate.Get() != 500 || strict.Get() != 5 {
		t.Errorf("rate: lenient %d, strict %d; want 500 and its default 5", lenient.rate.Get(), strict.Get())
	}
}

// Two processes with different validators both applied rate=500; a write
// of 600 that one of them refuses is undone: the key goes back to 500, and
// both processes end at 500.
func TestRollbackBetweenTwoProcessesThatAppliedTheValue(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	start := put(t, cli, "rate", "500")

	lenient := newTestFlags()
	wl, _ := startWatcher(t, lenient.fs, etcdtest.NewClient(t, srv.Endpoint()), fastOptions()...)
	strictFS, strict := strictRate(550)
	ws, _ := startWatcher(t, strictFS, etcdtest.NewClient(t, srv.Endpoint()), fastOptions()...)
	if lenient.rate.Get() != 500 || strict.Get() != 500 {
		t.Fatalf("rate at start: lenient %d, strict %d; want 500 for both", lenient.rate.Get(), strict.Get())
	}

	put(t, cli, "rate", "600")
	eventually(t, "rate back to 500 in etcd", func() bool {
		v, _ := get(t, cli, "rate")
		return v == "500"
	})
	end := settled(t, cli, ws, wl)
	if lenient.rate.Get() != 500 || strict.Get() != 500 {
		t.Errorf("rate: lenient %d, strict %d; want 500 for both", lenient.rate.Get(), strict.Get())
	}
	if got, want := writes(t, cli, "rate", start, end), []string{"600", "500"}; !slices.Equal(got, want) {
		t.Errorf("writes to rate = %q, want %q", got, want)
	}
}

// A refused write that created the key is undone by deleting the key, even
// though the process applied a value of that flag before the key was
// deleted.
func TestRollbackDeletesAKeyThatDidNotExist(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	start := put(t, cli, "rate", "250")
	f := newTestFlags()
	w, _ := startWatcher(t, f.fs, cli, fastOptions()...)

	del(t, cli, "rate")
	eventually(t, "rate back to its default", func() bool { return f.rate.Get() == 100 })
	put(t, cli, "rate", "-5")
	eventually(t, "bad rate deleted from etcd", func() bool {
		_, ok := get(t, cli, "rate")
		return !ok
	})
	end := settled(t, cli, w)
	if got, want := writes(t, cli, "rate", start, end), []string{"<deleted>", "-5", "<deleted>"}; !slices.Equal(got, want) {
		t.Errorf("writes to rate = %q, want %q", got, want)
	}
	if f.rate.Get() != 100 {
		t.Errorf("rate = %d, want its default 100", f.rate.Get())
	}
}

// gated declares a flag "gate" whose validator refuses negative values and
// holds the watcher inside the first refusal until release is closed.
func gated(fs *pflag.FlagSet) (gate *flagz.DynInt64Value, entered <-chan struct{}, release chan<- struct{}) {
	in, out := make(chan struct{}), make(chan struct{})
	var once sync.Once
	gate = flagz.DynInt64(fs, "gate", 0, "blocks on its first bad value").WithValidator(func(v int64) error {
		if v >= 0 {
			return nil
		}
		once.Do(func() {
			close(in)
			<-out
		})
		return errors.New("must not be negative")
	})
	return gate, in, out
}

// The history before a refused write is compacted by the time the process
// looks at it: the rollback falls back to the value this process last
// applied.
func TestRollbackFallsBackToLastAppliedWhenCompacted(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	put(t, cli, "gate", "42")
	f := newTestFlags()
	gate, entered, release := gated(f.fs)
	logs := &logRecorder{}
	startWatcher(t, f.fs, cli, fastOptions(watcher.WithLogger(slogTo(logs)))...)

	bad := put(t, cli, "gate", "-1")
	<-entered
	if _, err := cli.Compact(ctxT(t), bad, clientv3.WithCompactPhysical()); err != nil {
		t.Fatalf("compact: %v", err)
	}
	close(release)
	eventually(t, "gate rolled back to 42 in etcd", func() bool {
		v, _ := get(t, cli, "gate")
		return v == "42"
	})
	eventually(t, "the rollback says it fell back because the history is compacted", func() bool {
		return logs.logged("last applied: the history before the refused write is compacted")
	})
	if gate.Get() != 42 {
		t.Errorf("gate = %d, want 42", gate.Get())
	}
}

// A second bad value written before the rollback of the first: the first
// rollback loses to it (the guard), and the second restores the last good
// value, not the first bad one: the value before a refused write that the
// process refused too is skipped. One rollback write in all.
func TestSecondBadValueBeforeTheFirstRollback(t *testing.T) {
	for _, c := range []struct {
		name    string
		initial string // "" for none
		want    []string
	}{
		{"good value before", "42", []string{"-1", "-2", "42"}},
		{"no key before", "", []string{"-1", "-2", "<deleted>"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := etcdtest.Start(t)
			cli := srv.Client(t)
			start := put(t, cli, "zz-start", "")
			if c.initial != "" {
				start = put(t, cli, "gate", c.initial)
			}
			f := newTestFlags()
			gate, entered, release := gated(f.fs)
			w, _ := startWatcher(t, f.fs, cli, fastOptions()...)

			put(t, cli, "gate", "-1")
			<-entered
			put(t, cli, "gate", "-2")
			close(release)
			end := settled(t, cli, w)
			if got := writes(t, cli, "gate", start, end); !slices.Equal(got, c.want) {
				t.Errorf("writes to gate = %q, want %q", got, c.want)
			}
			want := int64(0)
			if c.initial != "" {
				want = 42
			}
			if gate.Get() != want {
				t.Errorf("gate = %d, want %d", gate.Get(), want)
			}
		})
	}
}

// A process that refuses the fleet's value at its start leaves it in etcd,
// and does not undo it at a later listing either (after an outage).
func TestRefusalAtTheInitialLoadIsNotRolledBack(t *testing.T) {
	proxy, writer, cli := proxiedEtcd(t)
	put(t, writer, "rate", "2000000") // above newTestFlags' range
	f := newTestFlags()
	w, report := startWatcher(t, f.fs, cli, fastOptions()...)
	if o := outcomeOf(report, "rate"); o.Result != record.Rejected {
		t.Fatalf("initial load of rate = %v, want Rejected", o)
	}
	syncedPast(t, writer, w)

	proxy.Cut()
	eventually(t, "DEGRADED while cut off", func() bool { return state(w) == record.StateDegraded })
	put(t, writer, "name", "listed-again")
	proxy.Restore()
	eventually(t, "listed again", func() bool { return f.name.Get() == "listed-again" && state(w) == record.StateServing })
	syncedPast(t, writer, w)
	if v, _ := get(t, writer, "rate"); v != "2000000" {
		t.Errorf("rate in etcd = %q, want the fleet's 2000000 left alone", v)
	}
	if f.rate.Get() != 100 {
		t.Errorf("rate = %d, want its default", f.rate.Get())
	}
}

// A process that starts from its snapshot file while etcd is unreachable
// and then finds, at its first listing, a value it refuses, leaves that
// value in etcd: its first listing is its initial load, and the value it
// kept from the file is no reason to undo the fleet's.
func TestFirstListingAfterTheSnapshotFileIsNotRolledBack(t *testing.T) {
	proxy, writer, cli := proxiedEtcd(t)
	path := filepath.Join(t.TempDir(), "flags.snapshot")
	put(t, writer, "rate", "250")
	first := newTestFlags()
	w1, _ := startWatcher(t, first.fs, cli, fastOptions(watcher.WithSnapshotFile(path))...)
	w1.Stop()

	put(t, writer, "rate", "2000000") // the fleet moved on to a value this build refuses
	proxy.Cut()
	second := newTestFlags()
	w2 := newWatcher(t, second.fs, cli, fastOptions(watcher.WithSnapshotFile(path))...)
	if _, err := w2.Initialize(context.Background()); err != nil {
		t.Fatalf("Initialize from the snapshot file: %v", err)
	}
	if second.rate.Get() != 250 || state(w2) != record.StateDegraded {
		t.Fatalf("from the snapshot file: rate %d, state %v; want 250, DEGRADED", second.rate.Get(), state(w2))
	}
	if err := w2.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	proxy.Restore()
	eventually(t, "SERVING once etcd answers", func() bool { return state(w2) == record.StateServing })
	syncedPast(t, writer, w2)
	if v, _ := get(t, writer, "rate"); v != "2000000" {
		t.Errorf("rate in etcd = %q, want the fleet's 2000000 left alone", v)
	}
}

// A bad value written while the process was cut off is found by the
// listing that follows, and undone to the value the key held before it,
// which this process never saw, not to the value it last applied.
func TestRelistRestoresTheValueBeforeTheBadWrite(t *testing.T) {
	proxy, writer, cli := proxiedEtcd(t)
	put(t, writer, "rate", "250")
	f := newTestFlags()
	w, _ := startWatcher(t, f.fs, cli, fastOptions()...)

	proxy.Cut()
	eventually(t, "DEGRADED while cut off", func() bool { return state(w) == record.StateDegraded })
	put(t, writer, "rate", "300")
	put(t, writer, "rate", "-5")
	proxy.Restore()
	eventually(t, "rate rolled back to 300 in etcd", func() bool {
		v, _ := get(t, writer, "rate")
		return v == "300"
	})
	eventually(t, "rate = 300", func() bool { return f.rate.Get() == 300 })
}

// settled waits until every watcher has handled every write so far, the
// rollbacks they cause included, and the writes those cause in turn (a
// rollback write may land after a sentinel syncedPast wrote, so each
// watcher syncs twice), and returns the last sentinel's revision.
func settled(t *testing.T, cli *clientv3.Client, ws ...*watcher.Watcher) int64 {
	t.Helper()
	var end int64
	for range 2 {
		for _, w := range ws {
			end = syncedPast(t, cli, w)
		}
	}
	return end
}

// outcomeOf returns the outcome of name in report.
func outcomeOf(report flagz.Report, name string) flagz.Outcome {
	for _, o := range report {
		if o.Flag == name {
			return o
		}
	}
	return flagz.Outcome{Flag: name}
}

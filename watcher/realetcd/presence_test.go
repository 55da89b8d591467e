package realetcd_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/schema"
	"github.com/flagz-go/flagz/source"
	"github.com/flagz-go/flagz/watcher"
	"github.com/flagz-go/flagz/watcher/etcdtest"
	"github.com/flagz-go/flagz/watcher/presence"
	"github.com/spf13/pflag"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/goleak"
	"go.uber.org/zap"
)

// presenceOptions turn presence on with a short TTL and a fixed id, and
// keep the health checks at their defaults so that no state change of a
// busy machine makes a write the tests do not expect; nor does a periodic
// refresh (an hour: a test that wants it gives WithPresenceRefresh).
func presenceOptions(id string, extra ...watcher.Option) []watcher.Option {
	return append([]watcher.Option{
		watcher.WithLogger(quietLogger()),
		watcher.WithBackoff(10*time.Millisecond, 200*time.Millisecond),
		watcher.WithPresence(), watcher.WithPresenceTTL(time.Second), watcher.WithPresenceID(id),
		watcher.WithPresenceVersion("v1.2.3"), watcher.WithPresenceRefresh(time.Hour),
	}, extra...)
}

// records lists the presence records of prefix by id.
func records(t *testing.T, cli *clientv3.Client) map[string]presence.Record {
	t.Helper()
	list, _, err := presence.List(ctxT(t), cli, prefix)
	if err != nil {
		t.Fatalf("presence.List: %v", err)
	}
	out := map[string]presence.Record{}
	for _, r := range list {
		out[r.ID] = r
	}
	return out
}

// awaitRecord waits until the record of id satisfies cond and returns it.
func awaitRecord(t *testing.T, cli *clientv3.Client, id, what string, cond func(presence.Record) bool) presence.Record {
	t.Helper()
	var rec presence.Record
	eventually(t, "record "+id+": "+what, func() bool {
		r, ok := records(t, cli)[id]
		rec = r
		return ok && cond(r)
	})
	return rec
}

func atRevision(rev int64) func(presence.Record) bool {
	return func(r presence.Record) bool { return r.Revision >= rev }
}

func TestPresenceRecordDescribesTheProcess(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	f := newTestFlags()
	flagz.DynDuration(f.fs, "timeout", time.Second, "timeout").WithValidator(flagz.ValidateDynDurationRange(time.Millisecond, time.Minute))
	flagz.DynFloat64(f.fs, "ratio", 0.5, "ratio").WithValidator(flagz.ValidateDynFloat64Range(0, 1))
	flagz.DynString(f.fs, "mode", "fast", "mode").WithValidator(flagz.ValidateDynStringMatchesRegex(regexp.MustCompile(`^(fast|slow)$`)))
	flagz.DynStringSlice(f.fs, "hosts", []string{"a"}, "hosts").WithValidator(flagz.ValidateDynStringSliceMinElements(1))
	flagz.DynStringSet(f.fs, "tags", []string{"x"}, "tags").WithValidator(flagz.ValidateDynStringSetMinElements(1))
	flagz.DynRollout(f.fs, "checkout", flagz.Rollout{}, "rollout").WithValidator(flagz.ValidateDynRolloutRange(0, 5000))
	flagz.DynInt64(f.fs, "odd", 1, "odd numbers").WithValidator(func(v int64) error { return nil })
	rev := put(t, cli, "rate", "250")
	w, _ := startWatcher(t, f.fs, cli, presenceOptions("proc-1")...)

	rec := awaitRecord(t, cli, "proc-1", "serving at the initial revision", func(r presence.Record) bool {
		return r.Revision >= rev && r.State == "SERVING"
	})
	engine := flagz.EngineFor(f.fs)
	if rec.PID <= 0 || rec.Host == "" || rec.Started.IsZero() || rec.Updated.IsZero() || rec.Version != "v1.2.3" ||
		rec.FlagSet != engine.Name() || rec.Prefix != prefix {
		t.Errorf("identity: %+v", rec)
	}
	if want := fmt.Sprintf("%016x", engine.DynamicChecksum()); rec.Checksum != want {
		t.Errorf("checksum %q, want %q", rec.Checksum, want)
	}
	if !reflect.DeepEqual(rec.Flags, flagz.EngineFor(f.fs).Schema()) {
		t.Errorf("flags:\n got %+v\nwant %+v", rec.Flags, flagz.EngineFor(f.fs).Schema())
	}
	want := map[string]schema.Constraint{
		"rate":     {Kind: "range", Min: "1", Max: "1000000"},
		"timeout":  {Kind: "range", Min: "1ms", Max: "1m0s"},
		"ratio":    {Kind: "range", Min: "0", Max: "1"},
		"mode":     {Kind: "regex", Pattern: "^(fast|slow)$"},
		"hosts":    {Kind: "min_elements", Count: 1},
		"tags":     {Kind: "min_elements", Count: 1},
		"checkout": {Kind: "rollout", Min: "0%", Max: "50%"},
		"odd":      {Kind: "custom"},
	}
	for name, c := range want {
		s, ok := rec.Flag(name)
		if !ok || len(s.Constraints) != 1 || s.Constraints[0] != c {
			t.Errorf("%s: published %+v, want one constraint %+v", name, s, c)
		}
	}
	if rec.Values["rate"] != "250" || rec.Values["port"] != "8080" || rec.Values["name"] != "default-name" {
		t.Errorf("values: %v, want rate 250, port 8080, name default-name", rec.Values)
	}
	if port, _ := rec.Flag("port"); port.Dynamic || port.Type != "int" || port.Default != "8080" {
		t.Errorf("static port: %+v", port)
	}

	// Records are outside the flag key space: the watcher never counts
	// them as unknown names, whichever way the prefix is written.
	w2, _ := startWatcher(t, newTestFlags().fs, cli, presenceOptions("proc-2")...)
	w3, err := watcher.New(newTestFlags().fs, cli, prefix+"/", presenceOptions("proc-3")...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w3.Stop)
	if _, err := w3.Initialize(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if err := w3.Start(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	rev = put(t, cli, "rate", "300")
	for _, id := range []string{"proc-1", "proc-2", "proc-3"} {
		awaitRecord(t, cli, id, "applied the change", atRevision(rev))
	}
	if got := len(records(t, cli)); got != 3 {
		t.Errorf("%d records, want 3", got)
	}
	for i, w := range []*watcher.Watcher{w, w2, w3} {
		if st := w.Status(); st.Ignored != 0 {
			t.Errorf("watcher %d counted %d unknown names: the presence records leaked into the flag key space", i+1, st.Ignored)
		}
	}
}

// TestPresenceOneWritePerChange counts the puts on the presence prefix:
// each process writes its record exactly once per change, be it one key, a
// transaction of 1,000 keys, a rejected value, an unknown name or a delete.
func TestPresenceOneWritePerChange(t *testing.T) {
	srv := etcdtest.Start(t)
	writer := srv.Client(t)
	const processes, flags = 3, 1000
	ids := make([]string, processes)
	for i := range processes {
		fs := pflag.NewFlagSet("fleet", pflag.ContinueOnError)
		for j := range flags {
			flagz.DynInt64(fs, fmt.Sprintf("f%04d", j), 0, "").WithValidator(flagz.ValidateDynInt64Range(0, 1_000_000))
		}
		ids[i] = fmt.Sprintf("proc-%d", i)
		// No health check in the test's time: its progress answers move
		// the revision a record reports, and would be writes of their own.
		startWatcher(t, fs, srv.Client(t), presenceOptions(ids[i], watcher.WithRollback(false),
			watcher.WithHealthCheck(time.Hour, waitTimeout))...)
	}
	base := put(t, writer, "f0000", "1")
	for _, id := range ids {
		awaitRecord(t, writer, id, "up", atRevision(base))
	}
	// The watch lasts until the end marker, however long a loaded machine
	// takes: a deadline would close it with events still unread.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	puts := writer.Watch(ctx, presence.Prefix(prefix), clientv3.WithPrefix(), clientv3.WithRev(base+1))

	var changes []int64
	change := func(what string, ops ...clientv3.Op) {
		resp, err := writer.Txn(ctxT(t)).Then(ops...).Commit()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		rev := resp.Header.Revision
		changes = append(changes, rev)
		for _, id := range ids {
			awaitRecord(t, writer, id, what, atRevision(rev))
		}
	}
	key := func(name string) string { return prefix + "/" + name }
	change("one key", clientv3.OpPut(key("f0001"), "5"))
	var all []clientv3.Op
	for j := range flags {
		all = append(all, clientv3.OpPut(key(fmt.Sprintf("f%04d", j)), "7"))
	}
	change("1,000 keys in one transaction", all...)
	change("a rejected value", clientv3.OpPut(key("f0002"), "-1"))
	change("an unknown name", clientv3.OpPut(key("nobody"), "x"))
	change("the same value again", clientv3.OpPut(key("f0003"), "7"))
	change("puts and deletes in one transaction", clientv3.OpDelete(key("f0004")), clientv3.OpPut(key("f0005"), "9"))

	// A marker written last: every record write before it is counted.
	end := presence.Prefix(prefix) + "~end"
	if _, err := writer.Put(ctxT(t), end, "{}"); err != nil {
		t.Fatal(err)
	}
	// Each change is reported, and no write repeats the record before it:
	// a record rewritten with nothing new would be a wasted write. A
	// record may be written again at the same revision when something else
	// in it changed (the source's state, on a machine slow enough for a
	// health check to time out), and after its lease was lost.
	revisions := map[string][]int64{}
	last := map[string]presence.Record{}
	ended := false
	for resp := range puts {
		if err := resp.Err(); err != nil {
			t.Fatal(err)
		}
		for _, ev := range resp.Events {
			if string(ev.Kv.Key) == end {
				ended = true
				cancel()
				continue
			}
			if ev.Type != clientv3.EventTypePut {
				clear(last) // a lost lease: the next write is needed
				continue
			}
			rec, err := presence.Decode(ev.Kv.Value)
			if err != nil {
				t.Fatalf("record put at %d: %v", ev.Kv.ModRevision, err)
			}
			if rec.Revision < changes[0] { // an initial write may land after base
				continue
			}
			if prev, ok := last[rec.ID]; ok && sameRecord(prev, rec) {
				t.Errorf("%s wrote its record again with nothing new (revision %d, state %s)", rec.ID, rec.Revision, rec.State)
			}
			last[rec.ID] = rec
			if r := revisions[rec.ID]; len(r) == 0 || r[len(r)-1] != rec.Revision {
				revisions[rec.ID] = append(r, rec.Revision)
			}
		}
	}
	if !ended {
		t.Fatal("the watch of the records ended before the end marker")
	}
	for _, id := range ids {
		if !reflect.DeepEqual(revisions[id], changes) {
			t.Errorf("%s reported revisions %v, want each change once, in order: %v", id, revisions[id], changes)
		}
	}
}

// sameRecord reports whether two status records say the same, apart from
// when they were written.
func sameRecord(a, b presence.Record) bool {
	a.Updated, b.Updated = time.Time{}, time.Time{}
	return reflect.DeepEqual(a, b)
}

// Changes that arrive while a write waits out its spread share it: three
// puts in quick succession cost one write, which reports the last.
func TestPresenceSpreadSharesOneWrite(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	f := newTestFlags()
	// A write waits 2–4s: far longer than three puts take.
	startWatcher(t, f.fs, cli, presenceOptions("proc-1",
		watcher.WithPresenceTTL(5*time.Second), watcher.WithPresenceSpread(4*time.Second))...)
	awaitRecord(t, cli, "proc-1", "serving", func(r presence.Record) bool { return r.State == "SERVING" })

	ctx, cancel := context.WithCancel(ctxT(t))
	defer cancel()
	status := presence.Key(prefix, "proc-1")
	writes := cli.Watch(ctx, status, clientv3.WithRev(getKV(t, cli, status).ModRevision+1))
	var rev int64
	for i := range 3 {
		rev = put(t, cli, "rate", fmt.Sprint(200+i))
	}
	resp := <-writes
	if err := resp.Err(); err != nil {
		t.Fatal(err)
	}
	for _, ev := range resp.Events {
		rec, err := presence.Decode(ev.Kv.Value)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Revision != rev {
			t.Errorf("the first write after three puts reports revision %d, want the last put's, %d", rec.Revision, rev)
		}
	}
	if len(resp.Events) != 1 {
		t.Errorf("the three puts made %d writes in one response, want 1", len(resp.Events))
	}
	if f.rate.Get() != 202 {
		t.Errorf("rate = %d, want 202: the spread delays the record, never the flags", f.rate.Get())
	}
}

func TestPresenceRejections(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	f := newTestFlags()
	flagz.DynString(f.fs, "token", "sk-default-Hv4Rp8Jc", "api token").WithSensitive().
		WithValidator(flagz.ValidateDynStringMatchesRegex(regexp.MustCompile(`^sk-`)))
	startWatcher(t, f.fs, cli, presenceOptions("proc-1", watcher.WithRollback(false))...)

	bad := put(t, cli, "rate", "0")
	rec := awaitRecord(t, cli, "proc-1", "the rejection", atRevision(bad))
	rej, ok := rec.Rejection("rate")
	if !ok || rej.Revision != bad || rej.Value != "0" || !strings.Contains(rej.Reason, "not in range") || rej.At.IsZero() {
		t.Errorf("rejection of rate: %+v, %v; want one at %d with the value and the reason", rej, ok, bad)
	}
	good := put(t, cli, "rate", "7")
	if rec := awaitRecord(t, cli, "proc-1", "the good value", atRevision(good)); len(rec.Rejections) != 0 {
		t.Errorf("rejections after a good value: %+v", rec.Rejections)
	}

	// Sensitive values, refused or taken, never reach the record.
	for _, value := range []string{"pk-Hv4Rp8Jc", "sk-Hv4Rp8Jc"} {
		rev := put(t, cli, "token", value)
		rec := awaitRecord(t, cli, "proc-1", "the token", atRevision(rev))
		for _, key := range []string{presence.Key(prefix, "proc-1"), presence.InfoKey(prefix, "proc-1")} {
			raw, err := cli.Get(ctxT(t), key)
			if err != nil || len(raw.Kvs) != 1 {
				t.Fatalf("get %s: %v", key, err)
			}
			if strings.Contains(string(raw.Kvs[0].Value), "Hv4Rp8Jc") {
				t.Errorf("%s holds a sensitive value: %s", key, raw.Kvs[0].Value)
			}
		}
		rej, rejecting := rec.Rejection("token")
		switch {
		case strings.HasPrefix(value, "pk-") && (!rejecting || rej.Value != "" || rej.Reason == ""):
			t.Errorf("rejection of the sensitive token: %+v, %v; want one with a reason and no value", rej, rejecting)
		case strings.HasPrefix(value, "sk-") && rejecting:
			t.Errorf("the token took a good value and is still rejecting: %+v", rej)
		}
	}
}

// With rollback, the last good value written back ends the rejection.
func TestPresenceRejectionEndsWithTheRollback(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	put(t, cli, "rate", "7")
	startWatcher(t, newTestFlags().fs, cli, presenceOptions("proc-1")...)
	bad := put(t, cli, "rate", "-5")
	rec := awaitRecord(t, cli, "proc-1", "the rollback", func(r presence.Record) bool {
		_, rejecting := r.Rejection("rate")
		return r.Revision > bad && !rejecting
	})
	if v, _ := get(t, cli, "rate"); v != "7" {
		t.Errorf("rate in etcd after the rollback: %q, want 7", v)
	}
	// The refusal ended, but a tool waiting for the bad write still
	// learns of it, even when no record was written in between.
	if rej, ok := rec.Refusal("rate", bad); !ok || rej.Revision != bad || rej.Value != "-5" {
		t.Errorf("refusal of rate at %d after the rollback: %+v, %v; want it kept in Refused (%+v)", bad, rej, ok, rec.Refused)
	}
}

// A process that dies without Stop (its client closed, no lease revoked, as
// after SIGKILL) disappears once its lease's TTL has run out; one that
// stops is gone at once.
func TestPresenceRecordEndsWithTheProcess(t *testing.T) {
	srv := etcdtest.Start(t)
	observer := srv.Client(t)
	doomed, err := clientv3.New(clientv3.Config{Endpoints: srv.Endpoints(), DialTimeout: 5 * time.Second,
		Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	startWatcher(t, newTestFlags().fs, doomed, presenceOptions("killed")...)
	stopped, _ := startWatcher(t, newTestFlags().fs, srv.Client(t), presenceOptions("stopped")...)
	awaitRecord(t, observer, "killed", "up", atRevision(0))
	awaitRecord(t, observer, "stopped", "up", atRevision(0))

	stopped.Stop()
	if _, ok := records(t, observer)["stopped"]; ok {
		t.Error("the record of a stopped watcher is still there after Stop")
	}
	doomed.Close()
	eventually(t, "the killed process's record expires", func() bool {
		_, ok := records(t, observer)["killed"]
		return !ok
	})
}

// The record's lease is renewed while the process runs, with nothing to
// write: it outlives its TTL several times over, and the record is still
// under it.
func TestPresenceLeaseRenewed(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	startWatcher(t, newTestFlags().fs, cli, presenceOptions("proc-1")...)
	awaitRecord(t, cli, "proc-1", "serving", func(r presence.Record) bool { return r.State == "SERVING" })
	key := presence.Key(prefix, "proc-1")
	first := getKV(t, cli, key)
	lease := clientv3.LeaseID(first.Lease)
	ttl, err := cli.TimeToLive(ctxT(t), lease)
	if err != nil || ttl.GrantedTTL <= 0 {
		t.Fatalf("TimeToLive of the record's lease: %v, %+v", err, ttl)
	}
	// etcd reports the remaining TTL in whole seconds, too coarse to see
	// each renewal: what shows they happen is that the lease is still there
	// three TTLs later.
	outlived := time.Now().Add(3 * time.Duration(ttl.GrantedTTL) * time.Second)
	eventually(t, "the lease outlives three times its TTL", func() bool {
		r, err := cli.TimeToLive(ctxT(t), lease)
		if err != nil || r.TTL < 0 {
			t.Fatalf("the record's lease expired: %v, %+v", err, r)
		}
		return time.Now().After(outlived)
	})
	if now := getKV(t, cli, key); now.Lease != first.Lease {
		t.Errorf("the record is under lease %x, was %x: its lease lapsed", now.Lease, first.Lease)
	}
}

// Presence failing never holds up the flags: with the presence client cut
// off, changes are applied as before; the record comes back once etcd is
// reachable again, at the latest revision. And with etcd itself down and
// up again, the record is back too.
func TestPresenceOutage(t *testing.T) {
	proxy, writer, cut := proxiedEtcd(t)
	f := newTestFlags()
	startWatcher(t, f.fs, writer, presenceOptions("proc-1", watcher.WithPresenceClient(cut))...)
	awaitRecord(t, writer, "proc-1", "up", atRevision(0))

	proxy.Cut()
	var rev int64
	for i := range 50 {
		rev = put(t, writer, "rate", fmt.Sprint(100+i))
	}
	eventually(t, "every change applied while presence is cut off", func() bool { return f.rate.Get() == 149 })
	eventually(t, "the cut-off record expires", func() bool {
		_, ok := records(t, writer)["proc-1"]
		return !ok
	})
	proxy.Restore()
	awaitRecord(t, writer, "proc-1", "back at the latest revision", atRevision(rev))
}

func TestPresenceAfterEtcdRestart(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	w, _ := startWatcher(t, newTestFlags().fs, cli, presenceOptions("proc-1",
		watcher.WithHealthCheck(100*time.Millisecond, time.Second))...)
	awaitRecord(t, cli, "proc-1", "up", atRevision(0))
	srv.Stop()
	eventually(t, "DEGRADED", func() bool { return state(w) == record.StateDegraded })
	srv.Restart()
	rev := put(t, cli, "rate", "321")
	awaitRecord(t, cli, "proc-1", "serving again at the new revision", func(r presence.Record) bool {
		return r.Revision >= rev && r.State == "SERVING"
	})
}

// A 3-member cluster loses its leader while a write is being waited for:
// the record stays (leases outlive a leader change) and reports the write
// applied on the next leader.
func TestPresenceLeaderLost(t *testing.T) {
	c := etcdtest.StartCluster(t, 3)
	cli := c.Client(t)
	f := newTestFlags()
	startWatcher(t, f.fs, cli, presenceOptions("proc-1", watcher.WithPresenceTTL(5*time.Second))...)
	awaitRecord(t, cli, "proc-1", "up", atRevision(0))

	old := c.Leader(t)
	rev := put(t, cli, "rate", "500")
	old.Stop()
	if next := c.Leader(t); next == old {
		t.Fatal("the stopped member still leads")
	}
	awaitRecord(t, cli, "proc-1", "the write applied", atRevision(rev))
	rev = put(t, cli, "rate", "501")
	awaitRecord(t, cli, "proc-1", "a write on the next leader applied", func(r presence.Record) bool {
		return r.Revision >= rev && r.State == "SERVING"
	})
	if f.rate.Get() != 501 {
		t.Errorf("rate = %d, want 501", f.rate.Get())
	}
}

// Run publishes the record while it runs and deletes it when its context
// ends; a static flag changed after start-up is listed as not applied.
func TestPresenceWithRun(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	f := newTestFlags()
	w, err := watcher.New(f.fs, cli, prefix, presenceOptions("proc-1")...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	awaitRecord(t, cli, "proc-1", "up", atRevision(0))

	rev := put(t, cli, "port", "9090")
	rec := awaitRecord(t, cli, "proc-1", "the static change", atRevision(rev))
	if rej, ok := rec.Rejection("port"); !ok || rej.Revision != rev || !strings.Contains(rej.Reason, "restart") {
		t.Errorf("rejection of static port: %+v, %v; want one saying it needs a restart", rej, ok)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if _, ok := records(t, cli)["proc-1"]; ok {
		t.Error("the record is still there after Run returned")
	}
}

// Stop during an outage returns, deletes nothing it cannot reach (the lease
// expires by itself), and leaves no goroutine of the presence writer.
func TestPresenceStopDuringOutage(t *testing.T) {
	srv := etcdtest.Start(t)
	before := goleak.IgnoreCurrent()
	cli := etcdtest.NewClient(t, srv.Endpoint())
	w, _ := startWatcher(t, newTestFlags().fs, cli, presenceOptions("proc-1",
		watcher.WithHealthCheck(100*time.Millisecond, time.Second))...)
	awaitRecord(t, cli, "proc-1", "up", atRevision(0))
	srv.Stop()
	eventually(t, "DEGRADED", func() bool { return state(w) == record.StateDegraded })
	w.Stop()
	w.Stop()
	cli.Close()
	goleak.VerifyNone(t, before)
}

// A second Start is refused and leaves the record in place.
func TestPresenceSecondStart(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	w, _ := startWatcher(t, newTestFlags().fs, cli, presenceOptions("proc-1")...)
	awaitRecord(t, cli, "proc-1", "up", atRevision(0))
	if err := w.Start(ctxT(t)); !errors.Is(err, source.ErrRunning) {
		t.Fatalf("second Start = %v, want ErrRunning", err)
	}
	rev := put(t, cli, "rate", "42")
	awaitRecord(t, cli, "proc-1", "still written after the refused Start", atRevision(rev))
}

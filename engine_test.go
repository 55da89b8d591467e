package flagz

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz/record"
)

// engineFixture is a flag set with one flag of each kind a source meets.
type engineFixture struct {
	e      *Engine
	rate   *DynInt64Value
	mode   *DynStringValue
	static *string
	src    *Source
	log    *bytes.Buffer
	notes  chan [2]int64
}

func newEngineFixture(t *testing.T) *engineFixture {
	fs := newFlagSet(t)
	f := &engineFixture{log: &bytes.Buffer{}, notes: make(chan [2]int64, 100)}
	f.rate = DynInt64(fs, "rate", 10, "").WithValidator(ValidateDynInt64Range(1, 100)).
		WithNotifier(func(o, n int64) { f.notes <- [2]int64{o, n} })
	f.mode = DynString(fs, "mode", "safe", "")
	f.static = fs.String("listen", ":8080", "")
	f.e = EngineFor(fs)
	f.src = f.e.Source("test", slog.New(slog.NewTextHandler(f.log, nil)))
	return f
}

func (f *engineFixture) wantNote(t *testing.T, old, new int64) {
	t.Helper()
	select {
	case n := <-f.notes:
		if n != [2]int64{old, new} {
			t.Errorf("notified %v, want [%d %d]", n, old, new)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("no notification (%d, %d)", old, new)
	}
}

func TestEngineInitialLoad(t *testing.T) {
	f := newEngineFixture(t)
	rep := f.src.Load(7, map[string]string{
		"rate": "50", "listen": ":9090", "mode": "fast", "nosuchflag": "x",
	})
	if f.rate.Get() != 50 || f.mode.Get() != "fast" || *f.static != ":9090" {
		t.Fatalf("initial load: rate=%d mode=%q listen=%q", f.rate.Get(), f.mode.Get(), *f.static)
	}
	if o, _ := rep.Outcome("nosuchflag"); o.Result != record.Unknown {
		t.Errorf("unknown name outcome: %+v", o)
	}
	if rep.Err() != nil {
		t.Errorf("a clean load reported %v", rep.Err())
	}

	// A bad entry is reported by name; the good ones still apply.
	f2 := newEngineFixture(t)
	rep = f2.src.Load(1, map[string]string{"rate": "abc", "mode": "fast", "listen": ":1"})
	o, _ := rep.Outcome("rate")
	if o.Result != record.Rejected || !strings.Contains(rep.Err().Error(), `"rate"`) {
		t.Errorf("bad entry: %+v, err %v", o, rep.Err())
	}
	if f2.mode.Get() != "fast" || *f2.static != ":1" || f2.rate.Get() != 10 {
		t.Errorf("good entries not applied around a bad one: mode=%q listen=%q rate=%d", f2.mode.Get(), *f2.static, f2.rate.Get())
	}
}

func TestEngineUpdateGoodIsAppliedNotifiedRecorded(t *testing.T) {
	f := newEngineFixture(t)
	f.src.Load(1, map[string]string{"rate": "20"})
	f.wantNote(t, 10, 20)
	before := time.Now()
	rep := f.src.Update(2, map[string]string{"rate": "30"})
	if o, _ := rep.Outcome("rate"); o.Result != record.Applied {
		t.Fatalf("outcome %+v", o)
	}
	f.wantNote(t, 20, 30)
	st, _ := f.e.Flag("rate")
	c := st.LastChange
	if c == nil || c.Source != "test" || c.Revision != 2 || c.Old != "20" || c.New != "30" || c.Time.Before(before) {
		t.Errorf("last change %+v", c)
	}
	if v, ok := f.src.lastApplied("rate"); !ok || v != "30" {
		t.Errorf("LastApplied = %q, %v", v, ok)
	}
	if n := strings.Count(f.log.String(), "flagz: flag changed"); n != 2 {
		t.Errorf("audit log has %d change lines, want 2 (one per change):\n%s", n, f.log)
	}
	if !strings.Contains(f.log.String(), "old=20 new=30") || !strings.Contains(f.log.String(), "revision=2") {
		t.Errorf("audit line lacks old/new/revision:\n%s", f.log)
	}
}

func TestEngineUpdateBadKeepsLastGood(t *testing.T) {
	f := newEngineFixture(t)
	f.src.Load(1, map[string]string{"rate": "20"})
	for _, bad := range []string{"abc", "1000"} {
		rep := f.src.Update(2, map[string]string{"rate": bad})
		o, _ := rep.Outcome("rate")
		var ve *ValueError
		if o.Result != record.Rejected || !errors.As(o.Err, &ve) || ve.Flag != "rate" {
			t.Errorf("bad %q: %+v", bad, o)
		}
		if f.rate.Get() != 20 {
			t.Errorf("bad %q replaced the last good value: %d", bad, f.rate.Get())
		}
		st, _ := f.e.Flag("rate")
		if r := st.LastRejection; r == nil || r.New != bad || r.Revision != 2 || r.Reason == "" {
			t.Errorf("rejection not recorded: %+v", r)
		}
		if v, _ := f.src.lastApplied("rate"); v != "20" {
			t.Errorf("LastApplied moved to %q", v)
		}
	}
	if got := f.src.Status().Rejected; got != 2 {
		t.Errorf("rejected counter %d", got)
	}
}

func TestEngineStaticAfterStartNeedsRestart(t *testing.T) {
	f := newEngineFixture(t)
	f.src.Load(1, map[string]string{"listen": ":9090"})
	rep := f.src.Update(2, map[string]string{"listen": ":7070"})
	if o, _ := rep.Outcome("listen"); o.Result != record.RestartRequired || o.Err == nil {
		t.Errorf("outcome %+v", o)
	}
	if *f.static != ":9090" {
		t.Errorf("static flag changed after start: %q", *f.static)
	}
	st, _ := f.e.Flag("listen")
	if len(st.Pending) != 1 || st.Pending[0].Value != ":7070" || st.Pending[0].Revision != 2 || !st.Pending[0].WinsAtRestart {
		t.Errorf("the pending restart is not shown on the flag: %+v", st.Pending)
	}
	if st.LastRejection != nil {
		t.Errorf("a pending restart is recorded as a rejection: %+v", st.LastRejection)
	}
	if h := st.History; len(h) != 2 || h[0].Result != record.Applied || h[1].Result != record.RestartRequired || !strings.Contains(h[1].Reason, "restart") {
		t.Errorf("history %+v", h)
	}
	// Repeating the value the process already runs with is not a restart.
	rep = f.src.Replace(3, map[string]string{"listen": ":9090"})
	if o, _ := rep.Outcome("listen"); o.Result != record.Unchanged {
		t.Errorf("unchanged static value reported %v", o.Result)
	}
	// Removing it after start is a restart too; the value stays.
	rep = f.src.Remove(4, "listen")
	if o, _ := rep.Outcome("listen"); o.Result != record.RestartRequired || *f.static != ":9090" {
		t.Errorf("static removal: %+v, value %q", o, *f.static)
	}
}

func TestEngineUnknownNameIgnoredAndCountedWithoutFlagLabel(t *testing.T) {
	f := newEngineFixture(t)
	rep := f.src.Update(1, map[string]string{"from_newer_binary": "1"})
	if o, _ := rep.Outcome("from_newer_binary"); o.Result != record.Unknown || o.Err != nil {
		t.Errorf("outcome %+v", o)
	}
	if got := countOf(f.e, updateKey{flag: "", source: "test", result: record.Unknown}); got != 1 {
		t.Errorf("unknown counted %d times under the empty flag label", got)
	}
	if f.src.Status().Ignored != 1 {
		t.Errorf("ignored counter %d", f.src.Status().Ignored)
	}
}

func TestEngineRemovalRevertsToDefault(t *testing.T) {
	f := newEngineFixture(t)
	f.src.Load(1, map[string]string{"rate": "20", "mode": "fast"})
	f.wantNote(t, 10, 20)
	rep := f.src.Remove(2, "rate")
	if o, _ := rep.Outcome("rate"); o.Result != record.Applied || o.Value != "10" {
		t.Errorf("removal outcome %+v", o)
	}
	if f.rate.Get() != 10 {
		t.Errorf("removed flag kept %d", f.rate.Get())
	}
	f.wantNote(t, 20, 10)
	if st, _ := f.e.Flag("rate"); st.LastChange == nil || !st.LastChange.Removed || st.Changed {
		t.Errorf("removal not recorded: %+v", st.LastChange)
	}
	if _, ok := f.src.lastApplied("rate"); ok {
		t.Error("LastApplied still remembers a removed name")
	}
}

func TestEngineReconcileAfterGap(t *testing.T) {
	f := newEngineFixture(t)
	f.src.Load(1, map[string]string{"rate": "20", "mode": "fast", "other": "x"})
	f.wantNote(t, 10, 20)
	// While the source was away, rate changed and mode was deleted.
	rep := f.src.Replace(9, map[string]string{"rate": "40", "other": "x"})
	if f.rate.Get() != 40 || f.mode.Get() != "safe" {
		t.Fatalf("reconcile: rate=%d mode=%q", f.rate.Get(), f.mode.Get())
	}
	if o, _ := rep.Outcome("mode"); o.Result != record.Applied {
		t.Errorf("mode outcome %+v", o)
	}
	if f.src.Status().LastRevision != 9 {
		t.Errorf("revision %d", f.src.Status().LastRevision)
	}
	// An identical snapshot changes nothing and notifies nobody.
	f.wantNote(t, 20, 40)
	rep = f.src.Replace(10, map[string]string{"rate": "40", "other": "x"})
	if rep.Count(record.Applied) != 0 {
		t.Errorf("identical snapshot applied %v", rep)
	}
	f.rate.WaitNotified()
	if len(f.notes) != 0 {
		t.Errorf("identical snapshot notified %v", <-f.notes)
	}
}

func TestEngineDegradedSourceKeepsValues(t *testing.T) {
	f := newEngineFixture(t)
	f.src.Load(1, map[string]string{"rate": "20"})
	f.src.SetState(record.StateServing, nil)
	f.src.SetState(record.StateDegraded, errors.New("connection refused"))
	st := f.src.Status()
	if st.State != record.StateDegraded || st.Err != "connection refused" || st.Since.IsZero() {
		t.Errorf("status %+v", st)
	}
	if f.rate.Get() != 20 {
		t.Errorf("degraded source lost the value: %d", f.rate.Get())
	}
	if got := f.e.Sources(); len(got) != 1 || got[0].State != record.StateDegraded {
		t.Errorf("engine sources %+v", got)
	}
}

func TestEngineRedactsSensitiveFlags(t *testing.T) {
	f := newEngineFixture(t)
	DynString(f.e.fs.(pflagSet).fs, "token", "", "").WithSensitive()
	f.src.Update(1, map[string]string{"token": "s3cr3t"})
	st, _ := f.e.Flag("token")
	if st.Value != Redacted || st.LastChange.New != Redacted {
		t.Errorf("state leaks: %+v %+v", st, st.LastChange)
	}
	if strings.Contains(f.log.String(), "s3cr3t") {
		t.Errorf("audit log leaks the secret:\n%s", f.log)
	}
}

// countOf reads one update counter of e.
func countOf(e *Engine, k updateKey) uint64 {
	var n uint64
	e.VisitUpdateCounts(func(flag, source string, result record.Result, count uint64) {
		if (updateKey{flag, source, result}) == k {
			n = count
		}
	})
	return n
}

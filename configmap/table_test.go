package configmap

// One test per row of design.md §3's table, for the directory and the file
// source alike.

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/record"
)

func TestInitialLoadSetsDynamicAndStaticFlags(t *testing.T) {
	bothOrigins(t, func(t *testing.T, o *testOrigin) {
		f := newFlags(t)
		o.write(t, map[string]string{"rate": "5", "greeting": "hi there", "tags": "a, b", "port": "8080"})
		w := start(t, o, f)
		if got := f.rate.Get(); got != 5 {
			t.Errorf("rate = %d, want 5", got)
		}
		if got := f.greeting.Get(); got != "hi there" {
			t.Errorf("greeting = %q, want %q (trailing newline stripped, inner space kept)", got, "hi there")
		}
		if got := f.tags.Get(); !slices.Equal(got, []string{"a", "b"}) {
			t.Errorf("tags = %q", got)
		}
		if *f.port != 8080 {
			t.Errorf("static port = %d, want 8080 (static flags load at start)", *f.port)
		}
		st := w.Status()
		if st.State != record.StateServing || st.Applied != 4 {
			t.Errorf("status = %+v, want SERVING with 4 applied", st)
		}
	})
}

func TestInitialLoadReportsEachBadEntryAndAppliesTheRest(t *testing.T) {
	bothOrigins(t, func(t *testing.T, o *testOrigin) {
		f := newFlags(t)
		o.write(t, map[string]string{"rate": "lots", "greeting": "hi", "port": "8080"})
		w := o.watcher(t, f.fs, WithResyncPeriod(0), WithLogger(testLogger(t)))
		report, err := w.Initialize(t.Context())
		if err != nil {
			t.Fatalf("Initialize error = %v, want nil: a bad entry does not fail it", err)
		}
		out, ok := report.Outcome("rate")
		if !ok || out.Result != record.Rejected || out.Err == nil || !strings.Contains(out.Err.Error(), `"rate"`) || !errors.Is(out.Err, flagz.ErrParse) {
			t.Fatalf("rate outcome = %+v (found %v), want Rejected with a parse error naming rate", out, ok)
		}
		if rerr := report.Err(); rerr == nil || !strings.Contains(rerr.Error(), `"rate"`) || !errors.Is(rerr, flagz.ErrParse) {
			t.Fatalf("report.Err() = %v, want a parse error naming rate", rerr)
		}
		for _, name := range []string{"greeting", "port"} {
			if out, ok := report.Outcome(name); !ok || out.Result != record.Applied {
				t.Errorf("%s outcome = %+v (found %v), want Applied", name, out, ok)
			}
		}
		if f.greeting.Get() != "hi" || *f.port != 8080 {
			t.Errorf("good entries not applied: greeting=%q port=%d", f.greeting.Get(), *f.port)
		}
		if f.rate.Get() != 10 {
			t.Errorf("rate = %d, want default 10", f.rate.Get())
		}
		if rej := f.state(t, "rate").LastRejection; rej == nil || rej.New != "lots" {
			t.Errorf("rejection of rate not recorded: %+v", rej)
		}
	})
}

func TestGoodUpdateIsAppliedNotifiedAndRecorded(t *testing.T) {
	bothOrigins(t, func(t *testing.T, o *testOrigin) {
		f := newFlags(t)
		o.write(t, map[string]string{"rate": "5"})
		w := start(t, o, f)
		o.write(t, map[string]string{"rate": "7"})
		eventually(t, "rate = 7", func() bool { return f.rate.Get() == 7 })
		if got := f.notified(); !slices.Equal(got, []int64{5, 7}) {
			t.Errorf("notified %v, want [5 7]", got)
		}
		c := f.state(t, "rate").LastChange
		if c == nil || c.Source != w.Name() || c.Old != "5" || c.New != "7" || c.Revision < 2 {
			t.Errorf("last change = %+v", c)
		}
	})
}

func TestBadUpdateKeepsLastGoodAndRecordsRejection(t *testing.T) {
	bothOrigins(t, func(t *testing.T, o *testOrigin) {
		f := newFlags(t)
		o.write(t, map[string]string{"rate": "5"})
		w := start(t, o, f)
		o.write(t, map[string]string{"rate": "5000"}) // fails the validator
		eventually(t, "rejection recorded", func() bool { return w.Status().Rejected == 1 })
		if f.rate.Get() != 5 {
			t.Errorf("rate = %d, want last good 5", f.rate.Get())
		}
		rej := f.state(t, "rate").LastRejection
		if rej == nil || rej.New != "5000" || !strings.Contains(rej.Reason, "not in range") {
			t.Errorf("rejection = %+v", rej)
		}
		o.write(t, map[string]string{"rate": "6"}) // the next good value goes through
		eventually(t, "rate = 6", func() bool { return f.rate.Get() == 6 })
	})
}

func TestStaticFlagChangeAfterStartNeedsRestart(t *testing.T) {
	bothOrigins(t, func(t *testing.T, o *testOrigin) {
		f := newFlags(t)
		o.write(t, map[string]string{"port": "8080"})
		w := start(t, o, f)
		rev := w.Status().LastRevision
		o.write(t, map[string]string{"port": "9090", "rate": "3"})
		eventually(t, "rate = 3", func() bool { return f.rate.Get() == 3 })
		countedPast(t, w, rev) // the counters follow the values
		if st := w.Status(); st.RestartRequired != 1 {
			t.Errorf("restart required = %d, want 1", st.RestartRequired)
		}
		if *f.port != 8080 {
			t.Errorf("port = %d, static flag changed after start", *f.port)
		}
	})
}

func TestUnknownNameIsIgnoredAndLeftInPlace(t *testing.T) {
	bothOrigins(t, func(t *testing.T, o *testOrigin) {
		f := newFlags(t)
		o.write(t, map[string]string{"rate": "5"})
		w := start(t, o, f)
		rev := w.Status().LastRevision
		o.write(t, map[string]string{"rate": "6", "newer-binary-flag": "x"})
		eventually(t, "rate = 6", func() bool { return f.rate.Get() == 6 })
		countedPast(t, w, rev) // the counters follow the values
		if st := w.Status(); st.Ignored != 1 {
			t.Errorf("ignored = %d, want 1", st.Ignored)
		}
		if o.kind == "dir" {
			if _, err := os.Stat(filepath.Join(o.path, "newer-binary-flag")); err != nil {
				t.Errorf("unknown key touched: %v", err)
			}
		} else if b, err := os.ReadFile(o.path); err != nil || !strings.Contains(string(b), "newer-binary-flag") {
			t.Errorf("unknown key touched: %v", err)
		}
	})
}

func TestRemovedNameReturnsToDefault(t *testing.T) {
	bothOrigins(t, func(t *testing.T, o *testOrigin) {
		f := newFlags(t)
		o.write(t, map[string]string{"rate": "5", "greeting": "hi"})
		start(t, o, f)
		o.write(t, map[string]string{"rate": "5"})
		eventually(t, "greeting back to default", func() bool { return f.greeting.Get() == "hello" })
		if c := f.state(t, "greeting").LastChange; c == nil || !c.Removed {
			t.Errorf("last change = %+v, want a removal", c)
		}
		o.write(t, map[string]string{})
		eventually(t, "rate back to default", func() bool { return f.rate.Get() == 10 })
	})
}

func TestSnapshotAfterGapIsReconciled(t *testing.T) {
	bothOrigins(t, func(t *testing.T, o *testOrigin) {
		f := newFlags(t)
		o.write(t, map[string]string{"rate": "5", "greeting": "hi"})
		w := start(t, o, f)
		w.Stop()
		if st := w.Status(); st.State != record.StateStopped {
			t.Fatalf("state after Stop = %v", st.State)
		}
		o.write(t, map[string]string{"rate": "8", "tags": "x"}) // while nobody watches
		if f.rate.Get() != 5 {
			t.Fatal("changed while stopped")
		}
		if err := w.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		eventually(t, "gap reconciled", func() bool {
			return f.rate.Get() == 8 && f.greeting.Get() == "hello" && slices.Equal(f.tags.Get(), []string{"x"})
		})
	})
}

func TestMissedEventsAreCaughtByResync(t *testing.T) {
	bothOrigins(t, func(t *testing.T, o *testOrigin) {
		f := newFlags(t)
		o.write(t, map[string]string{"rate": "5"})
		dropAll := withEventTransform(func(ev fsnotifyEvent) (fsnotifyEvent, bool) { return ev, false })
		start(t, o, f, dropAll, WithResyncPeriod(20*time.Millisecond))
		o.write(t, map[string]string{"rate": "9"})
		eventually(t, "resync applied rate = 9", func() bool { return f.rate.Get() == 9 })
	})
}

func TestUnreachableOriginDegradesAndKeepsValues(t *testing.T) {
	bothOrigins(t, func(t *testing.T, o *testOrigin) {
		f := newFlags(t)
		o.write(t, map[string]string{"rate": "5", "greeting": "hi"})
		w := start(t, o, f)
		o.remove(t)
		// (While the directory is half removed the reason may be the missing
		// ..data link; once gone, it is.)
		eventually(t, "DEGRADED, origin missing", func() bool {
			st := w.Status()
			return st.State == record.StateDegraded && strings.Contains(st.Err, "no such file")
		})
		if f.rate.Get() != 5 || f.greeting.Get() != "hi" {
			t.Errorf("values lost: rate=%d greeting=%q", f.rate.Get(), f.greeting.Get())
		}
		o.write(t, map[string]string{"rate": "6"}) // back, with a new version
		eventually(t, "SERVING with the new version", func() bool {
			return w.Status().State == record.StateServing && f.rate.Get() == 6 && f.greeting.Get() == "hello"
		})
	})
}

// A failed Initialize leaves the source CONNECTING with the reason; once the
// origin appears it is loaded, but as a reconcile: the program started
// with the static flags it had, so they wait for a restart.
func TestInitializeOnMissingOriginConnectsLater(t *testing.T) {
	bothOrigins(t, func(t *testing.T, o *testOrigin) {
		f := newFlags(t)
		w := o.watcher(t, f.fs, WithResyncPeriod(0), WithLogger(testLogger(t)))
		report, err := w.Initialize(t.Context())
		if !errors.Is(err, fs.ErrNotExist) || report != nil {
			t.Fatalf("Initialize = %v, %v; want a nil report and not exist", report, err)
		}
		if st := w.Status(); st.State != record.StateConnecting || !strings.Contains(st.Err, "no such file") {
			t.Fatalf("state = %v (%q), want CONNECTING with the reason", st.State, st.Err)
		}
		if err := w.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(w.Stop)
		o.write(t, map[string]string{"rate": "4", "port": "1"})
		eventually(t, "loaded once it appears", func() bool { return f.rate.Get() == 4 })
		if *f.port != 80 {
			t.Errorf("static flag set after start: %d", *f.port)
		}
	})
}

package informer_test

import (
	"context"
	"errors"
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/source"
	"github.com/spf13/pflag"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
)

// flags is the flag set most tests use: dynamic values, a static flag and a
// flag whose validator refuses some values.
type flags struct {
	fs       *pflag.FlagSet
	rate     *flagz.DynInt64Value
	greeting *flagz.DynStringValue
	workers  *int
	rateSeen *recorder[int64]
}

func newFlags() *flags {
	f := &flags{fs: pflag.NewFlagSet("test", pflag.ContinueOnError), rateSeen: newRecorder[int64]()}
	f.rate = flagz.DynInt64(f.fs, "rate", 100, "requests per second").
		WithValidator(flagz.ValidateDynInt64Range(1, 1000)).
		WithNotifier(f.rateSeen.notify)
	f.greeting = flagz.DynString(f.fs, "greeting", "hello", "greeting")
	f.workers = f.fs.Int("workers", 1, "worker count (static)")
	return f
}

func TestInitialLoadSetsDynamicAndStaticAndReportsBadAndUnknownByName(t *testing.T) {
	k := newKube(t)
	f := newFlags()
	cm := k.put("flags", map[string]string{
		"rate":       "250\n",
		"greeting":   "bonjour",
		"workers":    "8",
		"newer-flag": "x",
	}, nil)
	inf, initial := startReport(t, f.fs, k.client, k.namespace, "flags")

	if got := f.rate.Get(); got != 250 {
		t.Errorf("rate = %d, want 250", got)
	}
	if got := f.greeting.Get(); got != "bonjour" {
		t.Errorf("greeting = %q, want bonjour", got)
	}
	if *f.workers != 8 {
		t.Errorf("static workers = %d, want 8 (static flags are set by the initial load)", *f.workers)
	}
	for name, want := range map[string]record.Result{
		"rate": record.Applied, "greeting": record.Applied, "workers": record.Applied, "newer-flag": record.Unknown,
	} {
		if o, ok := initial.Outcome(name); !ok || o.Result != want {
			t.Errorf("%s: %v (found %v), want %v", name, o.Result, ok, want)
		}
	}
	if err := initial.Err(); err != nil {
		t.Errorf("report.Err() = %v, want nil: an unknown name is no error", err)
	}
	if o, _ := inf.LastReport().Outcome("newer-flag"); o.Result != record.Unknown {
		t.Errorf("LastReport newer-flag: %v, want unknown", o.Result)
	}
	// Initialize while running is refused, as for every source.
	if again, err := inf.Initialize(context.Background()); !errors.Is(err, source.ErrRunning) || again != nil {
		t.Errorf("second Initialize = %v, %v; want ErrRunning", again, err)
	}
	st := inf.Status()
	if st.State != record.StateServing || st.LastRevision != revisionOf(t, cm) || st.Ignored != 1 {
		t.Errorf("status = %+v, want SERVING at revision %s with 1 ignored name", st, cm.ResourceVersion)
	}

	// A bad value in the initial snapshot: refused by name, the rest applied.
	k2 := newKube(t)
	f2 := newFlags()
	k2.put("flags", map[string]string{"rate": "5000", "greeting": "hi"}, nil)
	inf2, report2 := startReport(t, f2.fs, k2.client, k2.namespace, "flags")
	o, ok := report2.Outcome("rate")
	if !ok || o.Result != record.Rejected || o.Err == nil || !strings.Contains(o.Err.Error(), "rate") {
		t.Errorf("rate=5000 outcome = %+v, want rejected with an error naming the flag", o)
	}
	if err := report2.Err(); err == nil || !strings.Contains(err.Error(), "rate") {
		t.Errorf("report.Err() = %v, want the rejection naming rate", err)
	}
	if o, _ := report2.Outcome("greeting"); o.Result != record.Applied {
		t.Errorf("greeting outcome = %v, want applied", o.Result)
	}
	if o, _ := inf2.LastReport().Outcome("rate"); o.Result != record.Rejected {
		t.Errorf("LastReport rate = %v, want rejected", o.Result)
	}
	if f2.rate.Get() != 100 || f2.greeting.Get() != "hi" {
		t.Errorf("rate, greeting = %d, %q; want the default 100 kept and hi applied", f2.rate.Get(), f2.greeting.Get())
	}
}

func TestUpdateIsAppliedAndRecorded(t *testing.T) {
	k := newKube(t)
	f := newFlags()
	k.put("flags", map[string]string{"rate": "10"}, nil)
	inf := start(t, f.fs, k.client, k.namespace, "flags")
	if old, new := f.rateSeen.next(t); old != 100 || new != 10 {
		t.Fatalf("initial notification %d -> %d, want 100 -> 10", old, new)
	}

	cm := k.put("flags", map[string]string{"rate": "20"}, nil)
	if old, new := f.rateSeen.next(t); old != 10 || new != 20 {
		t.Fatalf("notification %d -> %d, want 10 -> 20", old, new)
	}
	if got := f.rate.Get(); got != 20 {
		t.Fatalf("rate = %d after the notification, want 20", got)
	}
	state, _ := flagz.EngineFor(f.fs).Flag("rate")
	c := state.LastChange
	if c == nil || c.Source != inf.Name() || c.Revision != revisionOf(t, cm) || c.New != "20" {
		t.Errorf("last change = %+v, want from %s at revision %s", c, inf.Name(), cm.ResourceVersion)
	}
}

func TestBadValueKeepsLastGood(t *testing.T) {
	k := newKube(t)
	f := newFlags()
	k.put("flags", map[string]string{"rate": "10", "greeting": "a"}, nil)
	inf := start(t, f.fs, k.client, k.namespace, "flags")

	for _, bad := range []string{"not-a-number", "0"} { // a parse error, then a validator refusal
		k.put("flags", map[string]string{"rate": bad, "greeting": "b-" + bad}, nil)
		// The engine applies greeting before it refuses rate: wait for both.
		eventually(t, "the update with rate="+bad+" is processed", func() bool {
			state, _ := flagz.EngineFor(f.fs).Flag("rate")
			r := state.LastRejection
			return f.greeting.Get() == "b-"+bad && r != nil && r.New == bad
		})
		if got := f.rate.Get(); got != 10 {
			t.Fatalf("rate = %d after bad value %q, want the last good 10", got, bad)
		}
		state, _ := flagz.EngineFor(f.fs).Flag("rate")
		if r := state.LastRejection; r == nil || r.New != bad || r.Reason == "" {
			t.Fatalf("last rejection = %+v, want value %q with a reason", r, bad)
		}
		if o := reported(t, inf, "rate", record.Rejected); !strings.Contains(o.Err.Error(), "rate") {
			t.Fatalf("outcome = %+v, want rejected with an error naming the flag", o)
		}
	}
	k.put("flags", map[string]string{"rate": "30", "greeting": "c"}, nil)
	eventually(t, "a good value is applied after bad ones", func() bool { return f.rate.Get() == 30 })
	if st := inf.Status(); st.Rejected != 2 || st.State != record.StateServing {
		t.Errorf("status = %+v, want 2 rejected and SERVING", st)
	}
}

func TestStaticFlagChangedAfterStartRequiresRestart(t *testing.T) {
	k := newKube(t)
	f := newFlags()
	k.put("flags", map[string]string{"workers": "2"}, nil)
	inf := start(t, f.fs, k.client, k.namespace, "flags")

	k.put("flags", map[string]string{"workers": "16"}, nil)
	eventually(t, "the static change is reported", func() bool { return inf.Status().RestartRequired == 1 })
	o := reported(t, inf, "workers", record.RestartRequired)
	if o.Err == nil || !strings.Contains(o.Err.Error(), "workers") {
		t.Errorf("outcome = %+v, want restart required naming the flag", o)
	}
	if *f.workers != 2 {
		t.Errorf("workers = %d, want 2 kept until restart", *f.workers)
	}
}

func TestRemovedKeyRevertsToDefault(t *testing.T) {
	k := newKube(t)
	f := newFlags()
	k.put("flags", map[string]string{"rate": "10", "greeting": "salut"}, nil)
	start(t, f.fs, k.client, k.namespace, "flags")
	f.rateSeen.next(t)

	k.put("flags", map[string]string{"greeting": "salut"}, nil)
	if old, new := f.rateSeen.next(t); old != 10 || new != 100 {
		t.Fatalf("notification %d -> %d, want 10 -> 100 (the default)", old, new)
	}
	if f.greeting.Get() != "salut" {
		t.Errorf("greeting = %q, want salut untouched", f.greeting.Get())
	}
	state, _ := flagz.EngineFor(f.fs).Flag("rate")
	if state.LastChange == nil || !state.LastChange.Removed {
		t.Errorf("last change = %+v, want a removal", state.LastChange)
	}
}

// TestBinaryDataFeedsProtoAndString uses a standard library flag set: both
// kinds work.
func TestBinaryDataFeedsProtoAndString(t *testing.T) {
	k := newKube(t)
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	timeout := flagz.DynProto(fs, "timeout", durationpb.New(time.Second), "a proto flag")
	blob := flagz.DynString(fs, "blob", "", "raw bytes")

	wire, err := proto.Marshal(durationpb.New(3 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	raw := []byte{0x00, 0xff, 0xfe, '\n', 'x'}
	k.put("flags", nil, map[string][]byte{"timeout": wire, "blob": raw})
	start(t, fs, k.client, k.namespace, "flags")
	if got := timeout.Get().AsDuration(); got != 3*time.Second {
		t.Errorf("timeout = %v, want 3s from binary wire format", got)
	}
	if got := blob.Get(); got != string(raw) {
		t.Errorf("blob = %q, want the raw bytes %q", got, raw)
	}

	wire, _ = proto.Marshal(durationpb.New(5 * time.Second))
	k.put("flags", map[string]string{"blob": "text now"}, map[string][]byte{"timeout": wire})
	eventually(t, "binaryData update applied", func() bool {
		return timeout.Get().AsDuration() == 5*time.Second && blob.Get() == "text now"
	})
}

func TestDeletedConfigMapRevertsAllThenRecreatedApplies(t *testing.T) {
	k := newKube(t)
	f := newFlags()
	k.put("flags", map[string]string{"rate": "10", "greeting": "hey"}, nil)
	inf := start(t, f.fs, k.client, k.namespace, "flags")
	f.rateSeen.next(t)

	k.delete("flags")
	if old, new := f.rateSeen.next(t); old != 10 || new != 100 {
		t.Fatalf("notification %d -> %d, want 10 -> 100 on delete", old, new)
	}
	eventually(t, "greeting reverts", func() bool { return f.greeting.Get() == "hello" })
	// The report of a batch is kept once the batch is done, just after the
	// values changed.
	eventually(t, "the deletion's report", func() bool {
		for _, name := range []string{"rate", "greeting"} {
			if o, ok := inf.LastReport().Outcome(name); !ok || !o.Removed || o.Result != record.Applied {
				return false
			}
		}
		return true
	})
	if st := inf.Status(); st.State != record.StateServing {
		t.Errorf("state = %v after delete, want SERVING", st.State)
	}

	k.put("flags", map[string]string{"rate": "11", "greeting": "again"}, nil)
	if old, new := f.rateSeen.next(t); old != 100 || new != 11 {
		t.Fatalf("notification %d -> %d, want 100 -> 11 after re-creation", old, new)
	}
	eventually(t, "greeting applied again", func() bool { return f.greeting.Get() == "again" })
}

func TestNoOpUpdateIsIgnored(t *testing.T) {
	k := newKube(t)
	f := newFlags()
	k.put("flags", map[string]string{"rate": "10"}, nil)
	inf := start(t, f.fs, k.client, k.namespace, "flags")
	f.rateSeen.next(t)
	// The informer's own first state is the one the runtime listed: it
	// changes nothing and is ignored.
	eventually(t, "the informer's first state is handled", func() bool { return inf.Stats().Ignored >= 1 })
	before := inf.Stats()

	cm := k.label("flags", "team", "payments") // new resourceVersion, same data
	eventually(t, "the label update is handled", func() bool {
		st := inf.Stats()
		return st.Events > before.Events && st.Ignored+st.Batches > before.Ignored+before.Batches
	})
	after := inf.Stats()
	if after.Ignored != before.Ignored+1 || after.Batches != before.Batches {
		t.Errorf("stats %+v -> %+v, want the event ignored and no batch for the engine", before, after)
	}
	if got := inf.Status().LastRevision; got != revisionOf(t, cm) {
		t.Errorf("last revision = %d, want %s: an ignored update still counts as a sync", got, cm.ResourceVersion)
	}
	k.put("flags", map[string]string{"rate": "10"}, nil) // same content rewritten: no new resourceVersion
	f.rate.WaitNotified()
	f.rateSeen.none(t)
}

func TestStopTwiceReturnsAndRestartApplies(t *testing.T) {
	k := newKube(t)
	f := newFlags()
	k.put("flags", map[string]string{"rate": "10", "workers": "3"}, nil)
	inf := start(t, f.fs, k.client, k.namespace, "flags")

	done := make(chan struct{})
	go func() {
		inf.Stop()
		inf.Stop()
		close(done)
	}()
	inf.Stop() // concurrently with the two above
	select {
	case <-done:
	case <-time.After(waitTimeout):
		t.Fatal("Stop did not return")
	}
	if st := inf.Status().State; st != record.StateStopped {
		t.Fatalf("state = %v after Stop, want STOPPED", st)
	}

	// Changes while stopped arrive with the next start; static flags stay
	// as the first load set them.
	k.put("flags", map[string]string{"rate": "42", "workers": "9"}, nil)
	if err := inf.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the change made while stopped applied", func() bool { return f.rate.Get() == 42 })
	if *f.workers != 3 {
		t.Errorf("after restart workers=%d, want 3 (static)", *f.workers)
	}
	reported(t, inf, "workers", record.RestartRequired)
	eventually(t, "SERVING after the restart", func() bool { return inf.Status().State == record.StateServing })
}

func TestStartContextEndStops(t *testing.T) {
	k := newKube(t)
	f := newFlags()
	k.put("flags", map[string]string{"rate": "10"}, nil)
	inf := newInformer(t, f.fs, k.client, k.namespace, "flags")
	ctx, cancel := context.WithCancel(context.Background())
	if err := inf.Start(ctx); err != nil { // without Initialize: Start lists first
		t.Fatal(err)
	}
	eventually(t, "loaded by Start", func() bool { return f.rate.Get() == 10 })
	cancel()
	eventually(t, "the informer stops when Start's context ends", func() bool {
		return inf.Status().State == record.StateStopped
	})
	inf.Stop()
}

func TestMissingConfigMapLoadsDefaultsAndFollowsCreation(t *testing.T) {
	k := newKube(t)
	f := newFlags()
	inf := start(t, f.fs, k.client, k.namespace, "flags")
	if st := inf.Status(); st.State != record.StateServing || f.rate.Get() != 100 {
		t.Fatalf("status %+v, rate %d: want SERVING with defaults", st, f.rate.Get())
	}
	k.put("flags", map[string]string{"rate": "77"}, nil)
	eventually(t, "the created ConfigMap is applied", func() bool { return f.rate.Get() == 77 })
}

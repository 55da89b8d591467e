package realetcd_test

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/watcher"
	"github.com/flagz-go/flagz/watcher/etcdtest"
	"github.com/spf13/pflag"
)

// Fault test 1: the initial load applies dynamic and static flags, reports
// bad and unknown keys by name, and applies every good key.
func TestInitialLoadAppliesGoodAndReportsBadByName(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	put(t, cli, "rate", "250")
	put(t, cli, "name", "alice")
	put(t, cli, "port", "9090")
	put(t, cli, "limit", "not-a-number")
	put(t, cli, "nosuch", "1")
	put(t, cli, "rate/deeper", "7")                                   // deeper key: ignored
	if _, err := cli.Put(ctxT(t), prefix+"x/rate", "3"); err != nil { // outside the prefix
		t.Fatal(err)
	}
	last := put(t, cli, "unrelated-but-unknown", "x")

	f := newTestFlags()
	w, report := startWatcher(t, f.fs, cli, fastOptions()...)

	want := map[string]record.Result{
		"rate": record.Applied, "name": record.Applied, "port": record.Applied,
		"limit": record.Rejected, "nosuch": record.Unknown, "unrelated-but-unknown": record.Unknown,
	}
	if len(report) != len(want) {
		t.Errorf("report has %d outcomes, want %d: %+v", len(report), len(want), report)
	}
	for name, result := range want {
		o, ok := report.Outcome(name)
		if !ok || o.Result != result {
			t.Errorf("outcome of %q = %+v (found %v), want %v", name, o, ok, result)
		}
	}
	if o, _ := report.Outcome("limit"); o.Err == nil || !strings.Contains(o.Err.Error(), `"limit"`) {
		t.Errorf("error of the bad key does not name the flag: %v", o.Err)
	}
	if got := f.rate.Get(); got != 250 {
		t.Errorf("rate = %d, want 250", got)
	}
	if got := f.name.Get(); got != "alice" {
		t.Errorf("name = %q, want alice", got)
	}
	if *f.port != 9090 {
		t.Errorf("static port = %d, want 9090 (static flags are set at the initial load)", *f.port)
	}
	if got := f.limit.Get(); got != 10 {
		t.Errorf("limit = %d, want its default 10 after a bad value", got)
	}
	st := w.Status()
	if st.State != record.StateServing || st.LastRevision != last || st.Rejected != 1 || st.Ignored != 2 {
		t.Errorf("status = %+v, want SERVING at revision %d with 1 rejected and 2 ignored", st, last)
	}
	if rej := flagState(t, f, "limit").LastRejection; rej == nil || rej.New != "not-a-number" {
		t.Errorf("last rejection of limit = %+v", rej)
	}
	if _, ok := get(t, cli, "limit"); !ok {
		t.Error("a bad value found at start-up was deleted from etcd")
	}
}

// The watcher accepts a standard library flag set as well as pflag's.
func TestInitialLoadWithStandardFlagSet(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	put(t, cli, "rate", "42")
	put(t, cli, "mode", "fast")

	fs := flag.NewFlagSet("std", flag.ContinueOnError)
	rate := flagz.DynInt64(fs, "rate", 1, "rate")
	mode := fs.String("mode", "slow", "static mode")
	w, err := watcher.New(fs, cli, prefix+"/", watcher.WithLogger(quietLogger())) // trailing slash is trimmed
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	if _, err := w.Initialize(context.Background()); err != nil {
		t.Fatal(err)
	}
	if rate.Get() != 42 || *mode != "fast" {
		t.Fatalf("rate = %d, mode = %q; want 42, fast", rate.Get(), *mode)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	f := newTestFlags()
	for want, opts := range map[string][]watcher.Option{
		"WithBackoff(1s, 1ms)":     {watcher.WithBackoff(time.Second, time.Millisecond)},
		"WithBackoff(0s, 1s)":      {watcher.WithBackoff(0, time.Second)},
		"WithHealthCheck(0s, 1s)":  {watcher.WithHealthCheck(0, time.Second)},
		"WithSourceName":           {watcher.WithSourceName("")},
		"WithLogger":               {watcher.WithLogger(nil)},
		"WithSnapshotFile":         {watcher.WithSnapshotFile("")},
		"WithPageSize(0)":          {watcher.WithPageSize(0)},
		"WithPresenceTTL(500ms)":   {watcher.WithPresenceTTL(500 * time.Millisecond)},
		"WithPresenceSpread(-1s)":  {watcher.WithPresenceSpread(-time.Second)},
		"WithPresenceSpread(5s)":   {watcher.WithPresenceSpread(5 * time.Second)}, // not below the TTL
		"WithPresenceRefresh(0s)":  {watcher.WithPresenceRefresh(0)},
		"WithPresenceID":           {watcher.WithPresenceID("")},
		"WithPresenceVersion":      {watcher.WithPresenceVersion("")},
		"WithPresenceClient":       {watcher.WithPresenceClient(nil)},
		"WithStopTimeout(0s)":      {watcher.WithStopTimeout(0)},
		"WithHealthCheck(1s, -1s)": {watcher.WithSourceName("first"), watcher.WithHealthCheck(time.Second, -time.Second), watcher.WithPageSize(0)},
	} {
		if w, err := watcher.New(f.fs, cli, prefix, opts...); w != nil || err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("New with %s = %v, %v; want an error naming the option", want, w, err)
		}
	}
	if _, err := watcher.New(f.fs, nil, prefix); err == nil {
		t.Error("nil client: New returned no error")
	}
}

func flagState(t *testing.T, f *testFlags, name string) flagz.FlagState {
	t.Helper()
	st, ok := flagz.EngineFor(f.fs).Flag(name)
	if !ok {
		t.Fatalf("no flag %q", name)
	}
	return st
}

// A listing larger than one page reads every page at one revision.
func TestInitialLoadReadsEveryPage(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	fs := pflag.NewFlagSet("paged", pflag.ContinueOnError)
	var values []*flagz.DynInt64Value
	for i := range 7 {
		name := fmt.Sprintf("p%d", i)
		values = append(values, flagz.DynInt64(fs, name, 0, "paged flag"))
		put(t, cli, name, strconv.Itoa(i+1))
		put(t, cli, name+"/deeper", "x") // sorts between two flag keys
	}
	w := newWatcher(t, fs, cli, fastOptions(watcher.WithPageSize(2))...)
	if state(w) != record.StateConnecting {
		t.Errorf("state before Initialize = %v, want CONNECTING", state(w))
	}
	report, err := w.Initialize(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if report.Count(record.Applied) != 7 || len(report) != 7 {
		t.Errorf("report = %+v, want 7 applied", report)
	}
	for i, v := range values {
		if v.Get() != int64(i+1) {
			t.Errorf("p%d = %d, want %d", i, v.Get(), i+1)
		}
	}
}

package monitoring_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/spf13/pflag"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/monitoring"
	"github.com/flagz-go/flagz/record"
)

type fixture struct {
	fs   *pflag.FlagSet
	rate *flagz.DynInt64Value
	reg  *prometheus.Registry
	etcd *flagz.Source
}

func newFixture(t *testing.T, opts ...monitoring.Option) *fixture {
	t.Helper()
	f := &fixture{fs: pflag.NewFlagSet("server", pflag.ContinueOnError), reg: prometheus.NewRegistry()}
	f.rate = flagz.DynInt64(f.fs, "rate", 100, "requests per second").
		WithValidator(flagz.ValidateDynInt64Range(1, 10_000))
	flagz.DynString(f.fs, "greeting", "hello", "what to say")
	f.fs.Int("port", 8080, "listening port (static)")
	f.etcd = flagz.EngineFor(f.fs).Source("etcd", discard)
	if _, err := monitoring.Register(f.reg, f.fs, opts...); err != nil {
		t.Fatal(err)
	}
	return f
}

// series returns every series the registry exposes, as "name{labels} value".
func series(t *testing.T, g prometheus.Gatherer) map[string]float64 {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			out[mf.GetName()+labelText(m)] = value(m)
		}
	}
	return out
}

func labelText(m *dto.Metric) string {
	var parts []string
	for _, l := range m.GetLabel() {
		parts = append(parts, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
	}
	sort.Strings(parts)
	return "{" + strings.Join(parts, ",") + "}"
}

func value(m *dto.Metric) float64 {
	switch {
	case m.GetGauge() != nil:
		return m.GetGauge().GetValue()
	case m.GetCounter() != nil:
		return m.GetCounter().GetValue()
	}
	return m.GetUntyped().GetValue()
}

func TestExposition(t *testing.T) {
	f := newFixture(t)
	f.etcd.Load(3, map[string]string{"rate": "200", "port": "9090", "nope": "1"})
	f.etcd.SetState(record.StateServing, nil)
	f.etcd.Update(4, map[string]string{"rate": "0"})
	f.etcd.Update(5, map[string]string{"port": "1", "other-unknown": "x"})
	e := flagz.EngineFor(f.fs)

	want := fmt.Sprintf(`
# HELP flagz_updates_total Updates sources offered to flags, by flag, source and result (applied, rejected, restart_required, unknown). Names no flag is declared with count under flag="(unknown)".
# TYPE flagz_updates_total counter
flagz_updates_total{flag="(unknown)",result="unknown",set="server",source="etcd"} 2
flagz_updates_total{flag="port",result="applied",set="server",source="etcd"} 1
flagz_updates_total{flag="port",result="restart_required",set="server",source="etcd"} 1
flagz_updates_total{flag="rate",result="applied",set="server",source="etcd"} 1
flagz_updates_total{flag="rate",result="rejected",set="server",source="etcd"} 1
# HELP flagz_source_state State of each source of flag values: 1 for the state it is in, 0 for the others.
# TYPE flagz_source_state gauge
flagz_source_state{set="server",source="etcd",state="CONNECTING"} 0
flagz_source_state{set="server",source="etcd",state="DEGRADED"} 0
flagz_source_state{set="server",source="etcd",state="SERVING"} 1
flagz_source_state{set="server",source="etcd",state="STOPPED"} 0
# HELP flagz_source_last_revision The origin's revision (etcd revision, resourceVersion, …) at the source's last sync.
# TYPE flagz_source_last_revision gauge
flagz_source_last_revision{set="server",source="etcd"} 5
# HELP flagz_checksum Checksum of the current values of the flag set's flags of one kind (FNV-1a over sorted, length-framed names and values): its top 53 bits (the 64-bit checksum shifted right by 11), exact in a float64. The debug page and flagz status show this number beside the 16 hex digits of all 64 bits. Equal on processes holding equal values: group them with count_values.
# TYPE flagz_checksum gauge
flagz_checksum{kind="dynamic",set="server"} %s
flagz_checksum{kind="static",set="server"} %s
`, fmtFloat(monitoring.ChecksumValue(e.DynamicChecksum())), fmtFloat(monitoring.ChecksumValue(e.StaticChecksum())))
	if err := testutil.GatherAndCompare(f.reg, strings.NewReader(want),
		"flagz_updates_total", "flagz_source_state", "flagz_source_last_revision", "flagz_checksum"); err != nil {
		t.Fatal(err)
	}

	st := e.Sources()[0]
	got := series(t, f.reg)[`flagz_source_last_sync_timestamp_seconds{set="server",source="etcd"}`]
	if want := float64(st.LastSync.UnixNano()) / 1e9; got != want {
		t.Errorf("last sync timestamp %v, want %v", got, want)
	}

	problems, err := testutil.GatherAndLint(f.reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
}

// fmtFloat prints a value as the text exposition format does.
func fmtFloat(v float64) string { return fmt.Sprint(v) }

func TestChecksumValueIsStableAndFollowsChanges(t *testing.T) {
	f := newFixture(t)
	e := flagz.EngineFor(f.fs)
	const dyn = `flagz_checksum{kind="dynamic",set="server"}`
	first := series(t, f.reg)
	for range 5 {
		if again := series(t, f.reg); again[dyn] != first[dyn] {
			t.Fatalf("checksum changed while nothing did: %v then %v", first[dyn], again[dyn])
		}
	}
	if first[dyn] != monitoring.ChecksumValue(e.DynamicChecksum()) || first[dyn] >= 1<<53 || first[dyn] != float64(uint64(first[dyn])) {
		t.Fatalf("checksum value %v is not the top 53 bits of %x", first[dyn], e.DynamicChecksum())
	}
	f.etcd.Update(1, map[string]string{"rate": "101"})
	after := series(t, f.reg)
	if after[dyn] == first[dyn] {
		t.Fatalf("checksum %v did not change with a value", after[dyn])
	}
	f.etcd.Update(2, map[string]string{"rate": "100"})
	if back := series(t, f.reg); back[dyn] != first[dyn] {
		t.Fatalf("checksum %v after returning to the same values, want %v", back[dyn], first[dyn])
	}
	// Same values in another process (another flag set here): same number.
	other := newFixture(t, monitoring.WithSetName("server"))
	if v := series(t, other.reg)[dyn]; v != first[dyn] {
		t.Fatalf("an identical flag set reports %v, want %v", v, first[dyn])
	}
}

// The command-line flag set is named os.Args[0], a new temporary path on
// every `go run`: the set label is the program's name instead, the same for
// every process of one service (flagz.Engine.Name).
func TestSetLabelOfCommandLineFlagSetIsProgramName(t *testing.T) {
	fs := pflag.NewFlagSet(os.Args[0], pflag.ContinueOnError)
	flagz.DynInt64(fs, "rate", 100, "requests per second")
	reg := prometheus.NewRegistry()
	if _, err := monitoring.Register(reg, fs); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf(`flagz_checksum{kind="dynamic",set=%q}`, filepath.Base(os.Args[0]))
	if _, ok := series(t, reg)[want]; !ok {
		t.Errorf("no series %s in %v", want, series(t, reg))
	}

	other := prometheus.NewRegistry()
	if _, err := monitoring.Register(other, fs, monitoring.WithSetName("myservice")); err != nil {
		t.Fatal(err)
	}
	if _, ok := series(t, other)[`flagz_checksum{kind="dynamic",set="myservice"}`]; !ok {
		t.Errorf("WithSetName did not set the label: %v", series(t, other))
	}
}

func TestNoNewSeriesAfterManyChanges(t *testing.T) {
	f := newFixture(t)
	// One of each result first: every series that can exist now exists.
	f.etcd.Load(1, map[string]string{"rate": "5", "port": "1", "ghost": "1"})
	f.etcd.Update(2, map[string]string{"rate": "-1", "port": "2"})
	before := series(t, f.reg)
	for i := range 100 {
		f.etcd.Update(int64(10+i), map[string]string{
			"rate":                       fmt.Sprint(10 + i),
			"greeting":                   fmt.Sprintf("hello %d", i),
			fmt.Sprintf("unknown-%d", i): "x",
		})
		f.etcd.Update(int64(200+i), map[string]string{"rate": fmt.Sprint(-i)})
	}
	after := series(t, f.reg)
	var added []string
	for k := range after {
		if _, ok := before[k]; !ok {
			added = append(added, k)
		}
	}
	sort.Strings(added)
	// greeting was never changed before: its "applied" series is the only
	// one allowed to appear.
	if len(added) != 1 || !strings.Contains(added[0], `flag="greeting"`) {
		t.Fatalf("new series after 100 changes: %v", added)
	}
	if len(after) != len(before)+1 {
		t.Fatalf("%d series before, %d after", len(before), len(after))
	}
	if got := after[`flagz_updates_total{flag="(unknown)",result="unknown",set="server",source="etcd"}`]; got != 101 {
		t.Errorf("unknown updates counted %v, want 101", got)
	}
}

func TestChecksumLabelForm(t *testing.T) {
	f := newFixture(t, monitoring.WithChecksumLabel())
	e := flagz.EngineFor(f.fs)
	want := fmt.Sprintf(`
# HELP flagz_checksum Checksum of the flag set's values, as go-flagz exported it: the checksum is the label, the value is 1.
# TYPE flagz_checksum gauge
flagz_checksum{checksum="%016x",set="server",type="dynamic"} 1
flagz_checksum{checksum="%016x",set="server",type="static"} 1
`, e.DynamicChecksum(), e.StaticChecksum())
	if err := testutil.GatherAndCompare(f.reg, strings.NewReader(want), "flagz_checksum"); err != nil {
		t.Fatal(err)
	}
}

func TestRegister(t *testing.T) {
	if _, err := monitoring.Register(nil, pflag.NewFlagSet("x", pflag.ContinueOnError)); err == nil {
		t.Error("Register(nil, …) succeeded")
	}
	reg := prometheus.NewRegistry()
	a := pflag.NewFlagSet("a", pflag.ContinueOnError)
	b := pflag.NewFlagSet("b", pflag.ContinueOnError)
	flagz.DynBool(a, "on", false, "")
	flagz.DynBool(b, "on", false, "")
	for _, fs := range []*pflag.FlagSet{a, b} {
		if _, err := monitoring.Register(reg, fs); err != nil {
			t.Fatalf("registering set %s: %v", fs.Name(), err)
		}
	}
	if n, err := testutil.GatherAndCount(reg, "flagz_checksum"); err != nil || n != 4 {
		t.Fatalf("two sets: %d checksum series (%v), want 4", n, err)
	}
	_, err := monitoring.Register(reg, a)
	var already prometheus.AlreadyRegisteredError
	if !errors.As(err, &already) {
		t.Fatalf("registering set a twice: %v, want AlreadyRegisteredError", err)
	}
}

func TestSensitiveValuesNotExported(t *testing.T) {
	f := newFixture(t)
	flagz.DynString(f.fs, "api_key", "sk-default-9999", "").WithSensitive()
	f.etcd.Update(1, map[string]string{"api_key": "sk-live-8888"})
	f.etcd.Update(2, map[string]string{"rate": "sk-live-7777"})
	var buf bytes.Buffer
	mfs, err := f.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		buf.WriteString(mf.String())
	}
	for _, secret := range []string{"sk-default-9999", "sk-live-8888", "sk-live-7777"} {
		if strings.Contains(buf.String(), secret) {
			t.Errorf("metrics hold %q", secret)
		}
	}
	if !strings.Contains(buf.String(), "api_key") {
		t.Error("no series for api_key")
	}
}

func TestStandardFlagSet(t *testing.T) {
	fs := flag.NewFlagSet("std", flag.ContinueOnError)
	flagz.DynInt64(fs, "rate", 1, "")
	fs.String("mode", "fast", "")
	reg := prometheus.NewRegistry()
	if _, err := monitoring.Register(reg, fs); err != nil {
		t.Fatal(err)
	}
	flagz.EngineFor(fs).Source("file", discard).Update(1, map[string]string{"rate": "2", "mode": "slow"})
	got := series(t, reg)
	for _, k := range []string{
		`flagz_updates_total{flag="rate",result="applied",set="std",source="file"}`,
		`flagz_updates_total{flag="mode",result="restart_required",set="std",source="file"}`,
	} {
		if got[k] != 1 {
			t.Errorf("%s = %v, want 1", k, got[k])
		}
	}
}

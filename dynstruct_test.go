package flagz

import (
	"errors"
	"flag"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/schema"
)

// rateLimits is the struct most tests bind: a rate and a burst that must
// agree, and fields of several kinds.
type rateLimits struct {
	Rate    int64         `flagz:"rate" usage:"requests per second"`
	Burst   int64         `usage:"requests at once"`
	Timeout time.Duration `usage:"per request"`
	Ratio   float64
	Mode    string
}

var defaultLimits = rateLimits{Rate: 10, Burst: 20, Timeout: time.Second, Ratio: 0.5, Mode: "safe"}

// burstCoversRate is the struct validator most tests use.
func burstCoversRate(l rateLimits) error {
	if l.Burst < l.Rate {
		return fmt.Errorf("burst %d below rate %d", l.Burst, l.Rate)
	}
	return nil
}

// Each exported field becomes a flag name.field, named by its tag or its
// name in kebab case, with the tag's usage after the struct's, typed as
// the typed values are.
func TestDynStructDeclaresEachFieldAsAFlag(t *testing.T) {
	type inner struct {
		Depth int8
		When  time.Time
	}
	type Embedded struct{ Promoted bool }
	type all struct {
		Embedded
		MaxQPS   uint16
		Hosts    []string
		Tags     map[string]struct{}
		Routes   map[string]int
		Nested   inner
		Skipped  string `flagz:"-"`
		Token    string `flagz:"token,sensitive"`
		Small    float32
		unexport int
	}
	fs := newFlagSet(t)
	s := DynStruct(fs, "svc", all{Hosts: []string{"a"}, unexport: 7}, "the service")
	want := map[string]string{
		"svc.promoted":     "dyn_bool",
		"svc.max-qps":      "dyn_int64",
		"svc.hosts":        "dyn_stringslice",
		"svc.tags":         "dyn_stringset",
		"svc.routes":       "dyn_json",
		"svc.nested.depth": "dyn_int64",
		"svc.nested.when":  "dyn_json",
		"svc.token":        "dyn_string",
		"svc.small":        "dyn_float64",
	}
	if got := s.Fields(); len(got) != len(want) {
		t.Fatalf("fields %v, want %d of them", got, len(want))
	}
	for name, typ := range want {
		f := fs.Lookup(name)
		if f == nil {
			t.Errorf("no flag %q", name)
			continue
		}
		if f.Value.Type() != typ || !IsFlagDynamic(f) {
			t.Errorf("%s: type %q dynamic %v, want %q", name, f.Value.Type(), IsFlagDynamic(f), typ)
		}
		if f.Usage != "the service" {
			t.Errorf("%s: usage %q", name, f.Usage)
		}
	}
	if fs.Lookup("svc.skipped") != nil || fs.Lookup("svc.unexport") != nil {
		t.Error("a skipped or unexported field became a flag")
	}
	if !IsFlagSensitive(fs.Lookup("svc.token")) {
		t.Error("svc.token is not sensitive")
	}
	if got := s.Get().unexport; got != 7 {
		t.Errorf("unexported field %d, want the default's 7", got)
	}
	if fs.Lookup("svc.promoted").NoOptDefVal != "true" {
		t.Error("a bool field is not settable as a bare --name")
	}

	fs2 := newFlagSet(t)
	DynStruct(fs2, "lim", defaultLimits, "")
	if u := fs2.Lookup("lim.rate").Usage; u != "requests per second" {
		t.Errorf("usage %q", u)
	}
	if fs2.Lookup("lim.burst") == nil || fs2.Lookup("lim.timeout") == nil {
		t.Error("field names are not kebab case")
	}
	for in, want := range map[string]string{"RateLimit": "rate-limit", "MaxQPS": "max-qps", "HTTPTimeout": "http-timeout", "ID": "id", "V2Name": "v2-name"} {
		if got := kebab(in); got != want {
			t.Errorf("kebab(%s) = %q, want %q", in, got, want)
		}
	}
}

// Programming errors panic at declaration, naming the struct.
func TestDynStructPanicsOnProgrammingErrors(t *testing.T) {
	type noFields struct{ _ int }
	type badTag struct {
		A int `flagz:"a,secret"`
	}
	type twice struct {
		A int `flagz:"x"`
		B int `flagz:"x"`
	}
	for name, declare := range map[string]func(){
		"not a struct": func() { DynStruct(newFlagSet(t), "n", 5, "") },
		"no fields":    func() { DynStruct(newFlagSet(t), "n", noFields{}, "") },
		"bad tag":      func() { DynStruct(newFlagSet(t), "n", badTag{}, "") },
		"one name":     func() { DynStruct(newFlagSet(t), "n", twice{}, "") },
		"no such field": func() {
			DynStruct(newFlagSet(t), "n", defaultLimits, "").WithFieldValidator("nosuch", ValidateDynInt64Range(1, 2))
		},
		"validator of another type": func() {
			DynStruct(newFlagSet(t), "n", defaultLimits, "").WithFieldValidator("mode", ValidateDynInt64Range(1, 2))
		},
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), `DynStruct "n"`) {
					t.Errorf("%s: recovered %v", name, r)
				}
			}()
			declare()
		}()
	}
}

// A batch changing several fields changes the struct once: notifiers get
// the old and the new struct once, each field is reported applied.
func TestDynStructOneBatchOneSwap(t *testing.T) {
	fs := newFlagSet(t)
	s := DynStruct(fs, "lim", defaultLimits, "").WithValidator(burstCoversRate)
	type change struct{ old, new rateLimits }
	var changes []change
	s.WithNotifier(func(old, new rateLimits) { changes = append(changes, change{old, new}) })
	src := EngineFor(fs).Source("test", nil)

	// Raising the rate above the burst alone would be refused; together
	// they pass.
	rep := src.Update(1, map[string]string{"lim.rate": "50", "lim.burst": "100", "lim.mode": "fast", "other": "x"})
	want := rateLimits{Rate: 50, Burst: 100, Timeout: time.Second, Ratio: 0.5, Mode: "fast"}
	if s.Get() != want {
		t.Fatalf("Get = %+v, want %+v (report %v)", s.Get(), want, rep)
	}
	for _, name := range []string{"lim.rate", "lim.burst", "lim.mode"} {
		if o, _ := rep.Outcome(name); o.Result != record.Applied {
			t.Errorf("%s: %v", name, o)
		}
	}
	if o, _ := rep.Outcome("other"); o.Result != record.Unknown {
		t.Errorf("other: %v", o)
	}
	if o, _ := rep.Outcome("lim.rate"); o.Old != "10" || o.New != "50" {
		t.Errorf("lim.rate old/new %q/%q", o.Old, o.New)
	}
	s.WaitNotified()
	if len(changes) != 1 || changes[0].old != defaultLimits || changes[0].new != want {
		t.Errorf("notified %+v, want one change", changes)
	}
	if got := fs.Lookup("lim.rate").Value.String(); got != "50" {
		t.Errorf("lim.rate text %q", got)
	}
	st, _ := EngineFor(fs).Flag("lim.burst")
	if st.LastChange == nil || st.LastChange.Revision != 1 || st.Value != "100" || !st.Changed {
		t.Errorf("state of lim.burst: %+v", st)
	}

	// A batch repeating the values changes nothing and notifies nobody.
	rep = src.Update(2, map[string]string{"lim.rate": "50", "lim.burst": "100"})
	if rep.Count(record.Unchanged) != 2 {
		t.Errorf("repeat: %v", rep)
	}
	// Removals return fields to their defaults, in one swap.
	rep = src.Remove(3, "lim.rate", "lim.burst", "lim.mode")
	s.WaitNotified()
	if s.Get() != defaultLimits || len(changes) != 2 || rep.Count(record.Applied) != 3 {
		t.Errorf("after removal: %+v, %d changes, %v", s.Get(), len(changes), rep)
	}
}

// A struct validator sees the whole candidate; when it refuses, every
// field of the batch is refused with its reason and the struct stays as
// it was.
func TestDynStructRefusalLeavesEveryField(t *testing.T) {
	fs := newFlagSet(t)
	s := DynStruct(fs, "lim", defaultLimits, "").WithValidator(burstCoversRate)
	notified := 0
	s.WithNotifier(func(rateLimits, rateLimits) { notified++ })
	src := EngineFor(fs).Source("test", nil)

	rep := src.Update(1, map[string]string{"lim.rate": "50", "lim.burst": "30", "lim.mode": "fast"})
	if s.Get() != defaultLimits {
		t.Fatalf("refused batch changed the struct: %+v", s.Get())
	}
	for _, name := range []string{"lim.rate", "lim.burst", "lim.mode"} {
		o, _ := rep.Outcome(name)
		var ve *ValueError
		if o.Result != record.Rejected || !errors.As(o.Err, &ve) || !errors.Is(o.Err, ErrInvalid) ||
			!strings.Contains(o.Err.Error(), `struct "lim": burst 30 below rate 50`) || ve.Flag != name {
			t.Errorf("%s: %v", name, o)
		}
		st, _ := EngineFor(fs).Flag(name)
		if st.LastRejection == nil || st.LastRejection.Reason != `struct "lim": burst 30 below rate 50` {
			t.Errorf("%s: last rejection %+v", name, st.LastRejection)
		}
	}

	// One field that does not parse refuses the others of the batch.
	rep = src.Update(2, map[string]string{"lim.rate": "fifty", "lim.burst": "60"})
	if o, _ := rep.Outcome("lim.rate"); o.Result != record.Rejected || !errors.Is(o.Err, ErrParse) {
		t.Errorf("lim.rate: %v", o)
	}
	if o, _ := rep.Outcome("lim.burst"); o.Result != record.Rejected || !strings.Contains(o.Err.Error(), `"lim.rate"`) {
		t.Errorf("lim.burst: %v", o)
	}
	if s.Get() != defaultLimits {
		t.Errorf("struct changed: %+v", s.Get())
	}
	s.WaitNotified()
	if notified != 0 {
		t.Errorf("notified %d times", notified)
	}

	// A field set alone goes through the same validator: directly, and
	// as a batch of one name.
	if err := fs.Set("lim.rate", "25"); err == nil || !strings.Contains(err.Error(), "burst 20 below rate 25") {
		t.Errorf("Set lim.rate 25: %v", err)
	}
	if err := fs.Set("lim.rate", "15"); err != nil || s.Get().Rate != 15 {
		t.Errorf("Set lim.rate 15: %v, %+v", err, s.Get())
	}
	if o, _ := src.Update(3, map[string]string{"lim.burst": "5"}).Outcome("lim.burst"); o.Result != record.Rejected {
		t.Errorf("burst 5 alone: %v", o)
	}
}

// A panicking struct validator refuses, and a refused direct Set leaves
// the value; a sensitive field's refusals quote nothing.
func TestDynStructSensitiveAndPanics(t *testing.T) {
	type creds struct {
		User  string
		Token string `flagz:"token,sensitive"`
	}
	fs := newFlagSet(t)
	s := DynStruct(fs, "db", creds{User: "app", Token: "t0"}, "").WithValidator(func(c creds) error {
		if c.Token == "panic" {
			panic("token " + c.Token)
		}
		if !strings.HasPrefix(c.Token, "t") {
			return fmt.Errorf("token %q does not start with t", c.Token)
		}
		return nil
	})
	src := EngineFor(fs).Source("test", nil)
	for _, token := range []string{"secret-x", "panic"} {
		rep := src.Update(1, map[string]string{"db.user": "admin", "db.token": token})
		for _, o := range rep {
			if o.Result != record.Rejected || strings.Contains(o.Err.Error(), token) || strings.Contains(o.Value, token) {
				t.Errorf("%s with token %q: %v (value %q)", o.Flag, token, o, o.Value)
			}
		}
	}
	if s.Get() != (creds{User: "app", Token: "t0"}) {
		t.Errorf("struct changed: %+v", s.Get())
	}
	// (pflag's own FlagSet.Set quotes the input around the value's error.)
	if err := fs.Lookup("db.token").Value.Set("secret-y"); err == nil || strings.Contains(err.Error(), "secret-y") {
		t.Errorf("Set: %v", err)
	}
	st, _ := EngineFor(fs).Flag("db.token")
	if st.Value != Redacted || st.Default != Redacted || !st.Sensitive {
		t.Errorf("state of db.token: %+v", st)
	}
	if err := fs.Set("db.token", "t1"); err != nil || s.Get().Token != "t1" {
		t.Errorf("Set t1: %v", err)
	}
}

// The schema publishes what pre-flight can check of a field (its type's
// range, its own validators) and that a struct validator it cannot run
// applies.
func TestDynStructSchemaAndPreflight(t *testing.T) {
	type small struct {
		Level int8
		Rate  int
		Name  string
	}
	fs := newFlagSet(t)
	DynStruct(fs, "s", small{Rate: 5}, "").
		WithFieldValidator("rate", ValidateDynInt64Range(1, 100)).
		WithValidator(func(small) error { return nil })
	byName := map[string]schema.Flag{}
	for _, f := range EngineFor(fs).Schema() {
		byName[f.Name] = f
	}
	structC := schema.Constraint{Kind: schema.Struct, Fields: "s.level,s.name,s.rate"}
	wantLevel := []schema.Constraint{{Kind: schema.Range, Min: "-128", Max: "127"}, structC}
	if got := byName["s.level"].Constraints; !reflect.DeepEqual(got, wantLevel) {
		t.Errorf("s.level constraints %+v", got)
	}
	wantRate := []schema.Constraint{{Kind: schema.Range, Min: "1", Max: "100"}, structC}
	if got := byName["s.rate"].Constraints; !reflect.DeepEqual(got, wantRate) {
		t.Errorf("s.rate constraints %+v", got)
	}
	if schema.Uncheckable(byName["s.rate"]) != 1 {
		t.Error("the struct validator is not counted as uncheckable")
	}
	for _, c := range []struct {
		flag, text string
		ok         bool
	}{{"s.level", "127", true}, {"s.level", "128", false}, {"s.rate", "100", true}, {"s.rate", "0", false}} {
		if err := Preflight(byName[c.flag], c.text); (err == nil) != c.ok {
			t.Errorf("Preflight(%s, %s) = %v", c.flag, c.text, err)
		}
	}
	// The process refuses what pre-flight refuses.
	if err := fs.Set("s.level", "128"); err == nil {
		t.Error("int8 field took 128")
	}
	if err := fs.Set("s.rate", "0"); !errors.Is(err, ErrInvalid) {
		t.Errorf("rate 0: %v", err)
	}
}

// Fields work on the standard library's flag set too, a bool field as a
// bare -name; the command line sets them one at a time, each through the
// validators; every field is checksummed.
func TestDynStructOnStandardFlagSet(t *testing.T) {
	type opts struct {
		Verbose bool
		Hosts   []string
		Wait    time.Duration
	}
	fs := flag.NewFlagSet(t.Name(), flag.ContinueOnError)
	s := DynStruct(fs, "o", opts{Wait: time.Second}, "")
	before := EngineFor(fs).DynamicChecksum()
	if err := fs.Parse([]string{"-o.verbose", "-o.hosts", "a, b", "-o.wait=2s"}); err != nil {
		t.Fatal(err)
	}
	got := s.Get()
	if !got.Verbose || !reflect.DeepEqual(got.Hosts, []string{"a", "b"}) || got.Wait != 2*time.Second {
		t.Errorf("after Parse: %+v", got)
	}
	if EngineFor(fs).DynamicChecksum() == before {
		t.Error("the checksum did not change")
	}
	if err := fs.Set("o.wait", "soon"); err == nil || !strings.Contains(err.Error(), `"o.wait"`) {
		t.Errorf("bad duration: %v", err)
	}
}

// The default is copied, never aliased; Get allocates nothing.
func TestDynStructDefaultCopiedAndGetDoesNotAllocate(t *testing.T) {
	type lists struct {
		Hosts []string
		Tags  map[string]struct{}
		Table map[string]int
	}
	def := lists{Hosts: []string{"a"}, Tags: map[string]struct{}{"x": {}}, Table: map[string]int{"k": 1}}
	fs := newFlagSet(t)
	s := DynStruct(fs, "l", def, "")
	def.Hosts[0], def.Table["k"] = "changed", 2
	delete(def.Tags, "x")
	got := s.Get()
	if got.Hosts[0] != "a" || got.Table["k"] != 1 || len(got.Tags) != 1 {
		t.Errorf("the default aliases the caller's: %+v", got)
	}
	n := 0
	if allocs := testing.AllocsPerRun(1000, func() { n += len(s.Get().Hosts) }); allocs != 0 {
		t.Errorf("Get allocated %.1f times", allocs)
	}
	if err := s.core.flagSet.set("l.table", `{"k": 3, "j": 4}`); err != nil || s.Get().Table["j"] != 4 {
		t.Errorf("JSON field: %v, %+v", err, s.Get())
	}
	if err := s.core.flagSet.set("l.table", `{"k": "x"}`); !errors.Is(err, ErrParse) {
		t.Errorf("bad JSON field: %v", err)
	}
}

// An empty name declares the fields under their own names: flags that
// exist already keep their names.
func TestDynStructWithoutName(t *testing.T) {
	type rate struct {
		Limit int64 `flagz:"rate_limit"`
		Burst int64 `flagz:"rate_burst"`
	}
	fs := newFlagSet(t)
	s := DynStruct(fs, "", rate{Limit: 5}, "")
	if fs.Lookup("rate_limit") == nil || fs.Lookup("rate_burst") == nil {
		t.Fatal("fields not declared under their own names")
	}
	s.WithValidator(func(r rate) error {
		if r.Burst != 0 && r.Burst < r.Limit {
			return errors.New("burst below limit")
		}
		return nil
	})
	rep := EngineFor(fs).Source("test", nil).Update(1, map[string]string{"rate_limit": "50", "rate_burst": "10"})
	if o, _ := rep.Outcome("rate_burst"); o.Result != record.Rejected ||
		!strings.Contains(o.Err.Error(), "struct of rate_limit, rate_burst: burst below limit") {
		t.Errorf("rate_burst: %v", o)
	}
	s.WithFieldValidator("rate_limit", ValidateDynInt64Range(1, 100))
	if err := fs.Set("rate_limit", "500"); err == nil || !strings.Contains(err.Error(), "not in range [1, 100]") {
		t.Errorf("field validator: %v", err)
	}
}

// A subscriber hears of a field's direct Set as of any flag's.
func TestDynStructDirectSetIsAnEvent(t *testing.T) {
	fs := newFlagSet(t)
	DynStruct(fs, "lim", defaultLimits, "")
	events := make(chan Event, 4)
	unsubscribe := EngineFor(fs).Subscribe(func(ev Event) { events <- ev })
	defer unsubscribe()
	if err := fs.Set("lim.mode", "fast"); err != nil {
		t.Fatal(err)
	}
	ev := <-events
	if o, _ := ev.Report.Outcome("lim.mode"); ev.Source != DirectSet || o.Old != "safe" || o.New != "fast" {
		t.Errorf("event %+v", ev)
	}
}

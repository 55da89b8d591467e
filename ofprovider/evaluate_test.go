package ofprovider_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/ofprovider"
	"github.com/flagz-go/flagz/record"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/spf13/pflag"
	"google.golang.org/protobuf/types/known/apipb"
)

type config struct {
	Mode  string   `json:"mode"`
	Limit int      `json:"limit"`
	Hosts []string `json:"hosts"`
}

// fixture is a flag set with a value of every type, static flags of pflag's
// own, and a source the test writes through.
type fixture struct {
	fs       *pflag.FlagSet
	e        *flagz.Engine
	src      *flagz.Source
	on       *flagz.DynBoolValue
	limit    *flagz.DynInt64Value
	checkout *flagz.DynRolloutValue
}

// newFixture parses args, and the source makes its initial load (empty):
// the provider is ready.
func newFixture(t *testing.T, args ...string) *fixture {
	fs := pflag.NewFlagSet(t.Name(), pflag.ContinueOnError)
	f := &fixture{fs: fs}
	f.on = flagz.DynBool(fs, "on", false, "")
	f.limit = flagz.DynInt64(fs, "limit", 10, "")
	flagz.DynFloat64(fs, "ratio", 0.5, "")
	flagz.DynString(fs, "greeting", "hi", "")
	flagz.DynDuration(fs, "timeout", 2*time.Second, "")
	flagz.DynStringSlice(fs, "hosts", []string{"a", "b"}, "")
	flagz.DynStringSet(fs, "tags", []string{"z", "a"}, "")
	flagz.DynJSON(fs, "config", &config{Mode: "safe", Limit: 1}, "")
	flagz.DynJSONOf(fs, "typed", config{Mode: "typed"}, "")
	flagz.DynProto(fs, "method", &apipb.Method{Name: "Get"}, "")
	f.checkout = flagz.DynRollout(fs, "checkout", flagz.Rollout{BasisPoints: 5000, On: []string{"alice"}, Off: []string{"bob"}}, "")
	fs.Bool("verbose", false, "")
	fs.Int("workers", 4, "")
	fs.Float64("scale", 1.5, "")
	fs.String("listen", ":8080", "")
	fs.StringSlice("peers", []string{"p1", "p2"}, "")
	fs.Duration("grace", time.Minute, "")
	flagz.DynString(fs, "password", "hunter2", "").WithSensitive()
	fs.String("token", "s3cret", "")
	flagz.MarkSensitive(fs, "token")
	f.e = flagz.EngineFor(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	f.src = f.e.Source("test", quiet)
	f.src.Load(1, nil)
	f.src.SetState(record.StateServing, nil)
	return f
}

// TestEveryTypeThroughTheClient evaluates every type through the real SDK,
// before and after a source sets the flags: values, reasons and metadata.
func TestEveryTypeThroughTheClient(t *testing.T) {
	f := newFixture(t, "--workers=8")
	c := serve(t, ofprovider.New(f.fs))
	ctx := context.Background()

	type answer struct {
		value  any
		reason openfeature.Reason
	}
	eval := func(typ, name string) (answer, openfeature.FlagMetadata) {
		t.Helper()
		var d openfeature.InterfaceEvaluationDetails
		var err error
		switch typ {
		case "bool":
			var b openfeature.BooleanEvaluationDetails
			b, err = c.BooleanValueDetails(ctx, name, false, openfeature.NewEvaluationContext("carol", nil))
			d.Value, d.EvaluationDetails = b.Value, b.EvaluationDetails
		case "int":
			var i openfeature.IntEvaluationDetails
			i, err = c.IntValueDetails(ctx, name, -1, noCtx())
			d.Value, d.EvaluationDetails = i.Value, i.EvaluationDetails
		case "float":
			var x openfeature.FloatEvaluationDetails
			x, err = c.FloatValueDetails(ctx, name, -1, noCtx())
			d.Value, d.EvaluationDetails = x.Value, x.EvaluationDetails
		case "string":
			var s openfeature.StringEvaluationDetails
			s, err = c.StringValueDetails(ctx, name, "fallback", noCtx())
			d.Value, d.EvaluationDetails = s.Value, s.EvaluationDetails
		case "object":
			d, err = c.ObjectValueDetails(ctx, name, "fallback", noCtx())
		}
		if err != nil {
			t.Errorf("%s %s: %v", typ, name, err)
		}
		return answer{d.Value, d.Reason}, d.FlagMetadata
	}

	cases := []struct {
		typ, name     string
		before, after answer
		set           string // what the source sets
	}{
		{"bool", "on", answer{false, "DEFAULT"}, answer{true, "STATIC"}, "true"},
		{"int", "limit", answer{int64(10), "DEFAULT"}, answer{int64(20), "STATIC"}, "20"},
		{"float", "limit", answer{10.0, "DEFAULT"}, answer{20.0, "STATIC"}, ""},
		{"float", "ratio", answer{0.5, "DEFAULT"}, answer{0.25, "STATIC"}, "0.25"},
		{"string", "greeting", answer{"hi", "DEFAULT"}, answer{"hello", "STATIC"}, "hello"},
		{"string", "timeout", answer{"2s", "DEFAULT"}, answer{"1m30s", "STATIC"}, "90s"},
		{"object", "hosts", answer{[]any{"a", "b"}, "DEFAULT"}, answer{[]any{"c"}, "STATIC"}, "c"},
		{"object", "tags", answer{[]any{"a", "z"}, "DEFAULT"}, answer{[]any{"x", "y"}, "STATIC"}, "y,x"},
		{"object", "config",
			answer{map[string]any{"mode": "safe", "limit": 1.0, "hosts": nil}, "DEFAULT"},
			answer{map[string]any{"mode": "fast", "limit": 3.0, "hosts": []any{"h"}}, "STATIC"},
			`{"mode":"fast","limit":3,"hosts":["h"]}`},
		{"object", "typed",
			answer{map[string]any{"mode": "typed", "limit": 0.0, "hosts": nil}, "DEFAULT"},
			answer{map[string]any{"mode": "other", "limit": 0.0, "hosts": nil}, "STATIC"},
			`{"mode":"other"}`},
		{"object", "method", answer{map[string]any{"name": "Get"}, "DEFAULT"}, answer{map[string]any{"name": "Put"}, "STATIC"}, `{"name":"Put"}`},
		// carol is neither on nor off; the share decides, and every process agrees.
		{"bool", "checkout", answer{f.checkout.Enabled("carol"), "SPLIT"}, answer{true, "SPLIT"}, "0% on=carol"},
		{"bool", "verbose", answer{false, "DEFAULT"}, answer{false, "DEFAULT"}, ""},
		{"int", "workers", answer{int64(8), "STATIC"}, answer{int64(8), "STATIC"}, ""},
		{"float", "workers", answer{8.0, "STATIC"}, answer{8.0, "STATIC"}, ""},
		{"float", "scale", answer{1.5, "DEFAULT"}, answer{1.5, "DEFAULT"}, ""},
		{"string", "listen", answer{":8080", "DEFAULT"}, answer{":8080", "DEFAULT"}, ""},
		{"string", "grace", answer{"1m0s", "DEFAULT"}, answer{"1m0s", "DEFAULT"}, ""},
		{"object", "peers", answer{[]any{"p1", "p2"}, "DEFAULT"}, answer{[]any{"p1", "p2"}, "DEFAULT"}, ""},
	}
	for _, tc := range cases {
		got, md := eval(tc.typ, tc.name)
		if !reflect.DeepEqual(got, tc.before) {
			t.Errorf("%s %s before the source: %#v, want %#v", tc.typ, tc.name, got, tc.before)
		}
		if _, err := md.GetString("source"); err == nil {
			t.Errorf("%s %s before the source: metadata %v names a source", tc.typ, tc.name, md)
		}
	}

	values := map[string]string{}
	for _, tc := range cases {
		if tc.set != "" {
			values[tc.name] = tc.set
		}
	}
	f.src.Update(42, values)
	for _, tc := range cases {
		got, md := eval(tc.typ, tc.name)
		if !reflect.DeepEqual(got, tc.after) {
			t.Errorf("%s %s after the source: %#v, want %#v", tc.typ, tc.name, got, tc.after)
		}
		if _, set := values[tc.name]; !set {
			continue
		}
		src, _ := md.GetString("source")
		rev, _ := md.GetInt("revision")
		dyn, _ := md.GetBool("dynamic")
		if src != "test" || rev != 42 || !dyn {
			t.Errorf("%s %s: metadata %v, want source test, revision 42, dynamic", tc.typ, tc.name, md)
		}
	}

	// A removal returns the flag to its default: DEFAULT, no source.
	f.src.Replace(43, map[string]string{})
	got, md := eval("int", "limit")
	if got != (answer{int64(10), "DEFAULT"}) {
		t.Errorf("limit after the removal: %#v", got)
	}
	if _, err := md.GetString("source"); err == nil {
		t.Errorf("limit after the removal: metadata %v still names a source", md)
	}
}

// TestErrors covers every error through the client: the caller's default
// comes back with the code.
func TestErrors(t *testing.T) {
	f := newFixture(t)
	c := serve(t, ofprovider.New(f.fs))
	ctx := context.Background()
	check := func(what string, d openfeature.EvaluationDetails, err error, code openfeature.ErrorCode) {
		t.Helper()
		if err == nil || d.ErrorCode != code || d.Reason != openfeature.ErrorReason {
			t.Errorf("%s: code %q reason %q err %v; want %s", what, d.ErrorCode, d.Reason, err, code)
		}
		if d.ErrorMessage == "" {
			t.Errorf("%s: no message", what)
		}
	}
	b, err := c.BooleanValueDetails(ctx, "missing", true, noCtx())
	check("bool missing", b.EvaluationDetails, err, openfeature.FlagNotFoundCode)
	if !b.Value {
		t.Error("bool missing: not the caller's default")
	}
	i, err := c.IntValueDetails(ctx, "ratio", 7, noCtx())
	check("int of a float", i.EvaluationDetails, err, openfeature.TypeMismatchCode)
	if i.Value != 7 {
		t.Errorf("int of a float: %d, want the default 7", i.Value)
	}
	s, err := c.StringValueDetails(ctx, "limit", "d", noCtx())
	check("string of an int", s.EvaluationDetails, err, openfeature.TypeMismatchCode)
	if s.Value != "d" || !strings.Contains(s.ErrorMessage, "limit") {
		t.Errorf("string of an int: %q, message %q", s.Value, s.ErrorMessage)
	}
	x, err := c.FloatValueDetails(ctx, "greeting", 2.5, noCtx())
	check("float of a string", x.EvaluationDetails, err, openfeature.TypeMismatchCode)
	b, err = c.BooleanValueDetails(ctx, "limit", true, noCtx())
	check("bool of an int", b.EvaluationDetails, err, openfeature.TypeMismatchCode)
	o, err := c.ObjectValueDetails(ctx, "on", "d", noCtx())
	check("object of a bool", o.EvaluationDetails, err, openfeature.TypeMismatchCode)
	i, err = c.IntValueDetails(ctx, "scale", 7, noCtx())
	check("int of a static float", i.EvaluationDetails, err, openfeature.TypeMismatchCode)
	b, err = c.BooleanValueDetails(ctx, "checkout", true, noCtx())
	check("rollout without a targeting key", b.EvaluationDetails, err, openfeature.TargetingKeyMissingCode)
	if !b.Value {
		t.Error("rollout without a targeting key: not the caller's default")
	}
	s, err = c.StringValueDetails(ctx, "token", "d", noCtx())
	check("sensitive static flag", s.EvaluationDetails, err, openfeature.GeneralCode)
	if s.Value != "d" || strings.Contains(s.ErrorMessage, "s3cret") {
		t.Errorf("sensitive static flag: %q, message %q", s.Value, s.ErrorMessage)
	}
	s, err = c.StringValueDetails(ctx, "password", "d", noCtx())
	check("sensitive dynamic flag", s.EvaluationDetails, err, openfeature.GeneralCode)
	if s.Value != "d" || strings.Contains(s.ErrorMessage, "hunter2") {
		t.Errorf("sensitive dynamic flag: %q, message %q", s.Value, s.ErrorMessage)
	}
}

// A rollout's answer follows its on and off lists and the targeting key,
// with a variant.
func TestRolloutVariants(t *testing.T) {
	f := newFixture(t)
	c := serve(t, ofprovider.New(f.fs))
	ctx := context.Background()
	for key, want := range map[string]bool{"alice": true, "bob": false} {
		d, err := c.BooleanValueDetails(ctx, "checkout", !want, openfeature.NewEvaluationContext(key, nil))
		if err != nil || d.Value != want || d.Reason != openfeature.SplitReason || d.Variant != map[bool]string{true: "on", false: "off"}[want] {
			t.Errorf("%s: %+v, %v; want %v SPLIT", key, d, err, want)
		}
	}
}

// WithoutMetadata answers without FlagMetadata.
func TestWithoutMetadata(t *testing.T) {
	f := newFixture(t)
	c := serve(t, ofprovider.New(f.fs, ofprovider.WithoutMetadata()))
	f.src.Update(2, map[string]string{"limit": "11"})
	d, err := c.IntValueDetails(context.Background(), "limit", 0, noCtx())
	if err != nil || d.Value != 11 || d.Reason != openfeature.StaticReason || len(d.FlagMetadata) != 0 {
		t.Errorf("%+v, %v; want 11 STATIC without metadata", d, err)
	}
}

// A flag declared after New is found on its first evaluation; a standard
// flag set works as pflag's does.
func TestLateFlagAndStandardFlagSet(t *testing.T) {
	f := newFixture(t)
	p := ofprovider.New(f.fs)
	flagz.DynInt64(f.fs, "late", 3, "")
	c := serve(t, p)
	if v, err := c.IntValue(context.Background(), "late", 0, noCtx()); err != nil || v != 3 {
		t.Errorf("late flag: %d, %v", v, err)
	}
}

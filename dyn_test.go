package flagz

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz/record"

	"github.com/spf13/pflag"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
)

// valueCase exercises one type through its Dyn.
type valueCase[T any] struct {
	name      string
	typeName  string
	declare   func(fs *pflag.FlagSet) *Dyn[T]
	input     string // a good input, possibly padded with white space
	want      T      // what input parses to
	bad       string // input that does not parse
	rejectVal string // input that parses but the validator rejects
	reject    func(T) error
}

func (c valueCase[T]) run(t *testing.T) {
	t.Run(c.name, func(t *testing.T) {
		fs := newFlagSet(t)
		d := c.declare(fs)
		if got := d.Type(); got != c.typeName {
			t.Errorf("Type() = %q, want %q", got, c.typeName)
		}
		def := d.Get()
		type pair struct{ old, new T }
		notified := make(chan pair, 10)
		d.WithNotifier(func(o, n T) { notified <- pair{o, n} })

		if err := d.Set(c.input); err != nil {
			t.Fatalf("Set(%q): %v", c.input, err)
		}
		if got := d.Get(); !reflect.DeepEqual(got, c.want) && !protoEqual(got, c.want) {
			t.Fatalf("Get() = %v, want %v", got, c.want)
		}
		select {
		case p := <-notified:
			if !sameValue(p.old, def) || !sameValue(p.new, c.want) {
				t.Errorf("notifier got (%v, %v), want (%v, %v)", p.old, p.new, def, c.want)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("notifier not called")
		}

		// String round-trips.
		text := d.String()
		if err := d.Set(text); err != nil {
			t.Fatalf("Set(String()=%q): %v", text, err)
		}
		if !sameValue(d.Get(), c.want) {
			t.Errorf("after Set(String()) Get() = %v, want %v", d.Get(), c.want)
		}
		d.WaitNotified()
		if len(notified) != 0 {
			t.Errorf("setting the same value notified: %v", <-notified)
		}

		// Bad input: error names the flag, value untouched.
		err := d.Set(c.bad)
		var ve *ValueError
		if !errors.As(err, &ve) || !errors.Is(err, ErrParse) || ve.Flag != d.Name() || !strings.Contains(err.Error(), d.Name()) {
			t.Errorf("Set(%q) error = %v, want a parse ValueError naming %q", c.bad, err, d.Name())
		}
		if !sameValue(d.Get(), c.want) {
			t.Errorf("bad input changed the value to %v", d.Get())
		}

		// Validator rejection: error names the flag, value untouched.
		d.WithValidator(c.reject)
		err = d.Set(c.rejectVal)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), `"`+d.Name()+`"`) {
			t.Errorf("Set(%q) error = %v, want ErrInvalid naming the flag", c.rejectVal, err)
		}
		if !sameValue(d.Get(), c.want) {
			t.Errorf("rejected input changed the value to %v", d.Get())
		}
		d.WaitNotified()
		if len(notified) != 0 {
			t.Errorf("failed sets notified: %v", <-notified)
		}

		// The flag set sees the same value.
		if f := fs.Lookup(d.Name()); f == nil || f.Value.String() != d.String() || !IsFlagDynamic(f) {
			t.Errorf("flag set view wrong: %+v", f)
		}
	})
}

func sameValue[T any](a, b T) bool { return reflect.DeepEqual(a, b) || protoEqual(a, b) }

func protoEqual(a, b any) bool {
	am, ok1 := a.(proto.Message)
	bm, ok2 := b.(proto.Message)
	return ok1 && ok2 && proto.Equal(am, bm)
}

func errIf(bad bool, msg string) error {
	if bad {
		return errors.New(msg)
	}
	return nil
}

type routing struct {
	Backends []string `json:"backends"`
	Weight   int      `json:"weight"`
}

func TestEveryType(t *testing.T) {
	valueCase[bool]{"bool", "dyn_bool",
		func(fs *pflag.FlagSet) *Dyn[bool] { return DynBool(fs, "b", false, "") },
		" true\n", true, "yes please", "false", func(v bool) error { return errIf(!v, "must stay on") }}.run(t)
	valueCase[int64]{"int64", "dyn_int64",
		func(fs *pflag.FlagSet) *Dyn[int64] { return DynInt64(fs, "i", 5, "") },
		"  42\n", 42, "4x2", "1000", ValidateDynInt64Range(0, 100)}.run(t)
	valueCase[float64]{"float64", "dyn_float64",
		func(fs *pflag.FlagSet) *Dyn[float64] { return DynFloat64(fs, "f", 0.5, "") },
		"\t0.25\n", 0.25, "one", "7", ValidateDynFloat64Range(0, 1)}.run(t)
	valueCase[string]{"string", "dyn_string",
		func(fs *pflag.FlagSet) *Dyn[string] { return DynString(fs, "s", "def", "") },
		" spaced out \n", " spaced out \n", "", "forbidden", func(v string) error { return errIf(v == "forbidden", "no") }}.withBadSkipped(t)
	valueCase[time.Duration]{"duration", "dyn_duration",
		func(fs *pflag.FlagSet) *Dyn[time.Duration] { return DynDuration(fs, "d", time.Second, "") },
		" 1m30s\n", 90 * time.Second, "90 parsecs", "-1s", func(v time.Duration) error { return errIf(v < 0, "negative") }}.run(t)
	valueCase[[]string]{"stringslice", "dyn_stringslice",
		func(fs *pflag.FlagSet) *Dyn[[]string] { return DynStringSlice(fs, "l", []string{"x"}, "") },
		` a, b ,"c, d" ,""" quoted"""` + "\n", []string{"a", "b", "c, d", `" quoted"`}, `"unterminated`, "only", ValidateDynStringSliceMinElements(2)}.run(t)
	valueCase[map[string]struct{}]{"stringset", "dyn_stringset",
		func(fs *pflag.FlagSet) *Dyn[map[string]struct{}] {
			return DynStringSet(fs, "set", []string{"x"}, "").Dyn
		},
		"c, a, b, a\n", map[string]struct{}{"a": {}, "b": {}, "c": {}}, `"a`, "one", ValidateDynStringSetMinElements(2)}.run(t)
	valueCase[any]{"json", "dyn_json",
		func(fs *pflag.FlagSet) *Dyn[any] { return DynJSON(fs, "j", &routing{Weight: 1}, "") },
		` {"backends": ["a", "b"], "weight": 3}` + "\n", &routing{Backends: []string{"a", "b"}, Weight: 3}, `{"weight":`, `{"weight": -1}`,
		func(v any) error { return errIf(v.(*routing).Weight < 0, "negative weight") }}.run(t)
	valueCase[routing]{"typed json", "dyn_json",
		func(fs *pflag.FlagSet) *Dyn[routing] { return DynJSONOf(fs, "tj", routing{Weight: 1}, "") },
		`{"backends": ["a"], "weight": 2}`, routing{Backends: []string{"a"}, Weight: 2}, `[1, 2]`, `{"weight": -1}`,
		func(v routing) error { return errIf(v.Weight < 0, "negative weight") }}.run(t)
	want, _ := structpb.NewStruct(map[string]any{"mode": "fast", "limit": 3.0})
	valueCase[*structpb.Struct]{"proto", "dyn_proto",
		func(fs *pflag.FlagSet) *Dyn[*structpb.Struct] { return DynProto(fs, "p", &structpb.Struct{}, "") },
		` {"mode": "fast", "limit": 3}` + "\n", want, `{"mode": `, `{"mode": "slow"}`,
		func(v *structpb.Struct) error { return errIf(v.Fields["mode"].GetStringValue() == "slow", "too slow") }}.run(t)
}

// withBadSkipped runs a case whose type accepts every input (strings), so
// only the validator can refuse.
func (c valueCase[T]) withBadSkipped(t *testing.T) {
	t.Run(c.name, func(t *testing.T) {
		fs := newFlagSet(t)
		d := c.declare(fs)
		if d.Type() != c.typeName {
			t.Errorf("Type() = %q, want %q", d.Type(), c.typeName)
		}
		if err := d.Set(c.input); err != nil || !sameValue(d.Get(), c.want) {
			t.Fatalf("Set(%q) = %v, Get() = %q; strings must be taken verbatim", c.input, err, any(d.Get()))
		}
		if err := d.Set(d.String()); err != nil || !sameValue(d.Get(), c.want) {
			t.Fatalf("round trip broke: %v", err)
		}
		d.WithValidator(c.reject)
		if err := d.Set(c.rejectVal); !errors.Is(err, ErrInvalid) || !sameValue(d.Get(), c.want) {
			t.Fatalf("validator: err %v, value %v", err, any(d.Get()))
		}
	})
}

func TestProtoBinaryInput(t *testing.T) {
	fs := newFlagSet(t)
	d := DynProto(fs, "p", &structpb.Struct{}, "")
	want, _ := structpb.NewStruct(map[string]any{"k": "v"})
	wire, err := proto.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Set(string(wire)); err != nil {
		t.Fatalf("binary Set: %v", err)
	}
	if !proto.Equal(d.Get(), want) {
		t.Fatalf("Get() = %v, want %v", d.Get(), want)
	}
	if got := d.String(); got != `{"k":"v"}` {
		t.Errorf("String() = %q, want compact protojson", got)
	}
}

func TestEmptyListInputGivesEmptyList(t *testing.T) {
	fs := newFlagSet(t)
	l := DynStringSlice(fs, "l", []string{"a", "b"}, "")
	s := DynStringSet(fs, "s", []string{"a"}, "")
	for _, in := range []string{"", "  ", "\n"} {
		if err := l.Set(in); err != nil || l.Get() == nil || len(l.Get()) != 0 {
			t.Errorf("slice Set(%q) = %v, Get() = %#v; want empty non-nil list", in, err, l.Get())
		}
		if err := s.Set(in); err != nil || len(s.Get()) != 0 || s.Contains("a") {
			t.Errorf("set Set(%q) = %v, Get() = %v; want empty set", in, err, s.Get())
		}
	}
	if l.String() != "" {
		t.Errorf("empty list prints %q", l.String())
	}
}

func TestListRoundTripsAwkwardItems(t *testing.T) {
	fs := newFlagSet(t)
	l := DynStringSlice(fs, "l", nil, "")
	for _, items := range [][]string{
		{""}, {"", ""}, {"a", ""}, {" padded "}, {`"`}, {`a"b`, "c,d"}, {"x\ny"}, {"plain", "list"},
	} {
		fs2 := newFlagSet(t)
		src := DynStringSlice(fs2, "l", items, "")
		if err := l.Set(src.String()); err != nil {
			t.Fatalf("Set(%q): %v", src.String(), err)
		}
		if !reflect.DeepEqual(l.Get(), items) {
			t.Errorf("%q printed as %q parsed back as %q", items, src.String(), l.Get())
		}
	}
}

func TestStringSetPrintsSortedAndContains(t *testing.T) {
	fs := newFlagSet(t)
	s := DynStringSet(fs, "s", []string{"zeta", "alpha", "mid", "alpha"}, "")
	if got := s.String(); got != "alpha,mid,zeta" {
		t.Errorf("String() = %q, want sorted %q", got, "alpha,mid,zeta")
	}
	if !s.Contains("mid") || s.Contains("beta") {
		t.Errorf("Contains wrong for %v", s.Get())
	}
	// Chaining keeps the concrete type: Contains is still there.
	if !s.WithValidator(ValidateDynStringSetMinElements(1)).WithNotifier(func(_, _ map[string]struct{}) {}).WithSensitive().Contains("zeta") {
		t.Error("chained value lost its set")
	}
	if fs.Lookup("s").Value.(*DynStringSetValue) != s {
		t.Error("the flag set does not hold the *DynStringSetValue itself")
	}
}

func TestDefaultIsCopiedNotAliased(t *testing.T) {
	fs := newFlagSet(t)
	items := []string{"a", "b"}
	l := DynStringSlice(fs, "l", items, "")
	items[0] = "mutated"
	if l.Get()[0] != "a" {
		t.Errorf("slice default aliased the caller's slice: %v", l.Get())
	}
	r := &routing{Backends: []string{"x"}}
	j := DynJSON(fs, "j", r, "")
	r.Backends[0], r.Weight = "mutated", 9
	if got := j.Get().(*routing); got.Backends[0] != "x" || got.Weight != 0 {
		t.Errorf("JSON default aliased the caller's struct: %+v", got)
	}
	p, _ := structpb.NewStruct(map[string]any{"k": "v"})
	pd := DynProto(fs, "p", p, "")
	p.Fields["k"] = structpb.NewStringValue("mutated")
	if pd.Get().Fields["k"].GetStringValue() != "v" {
		t.Errorf("proto default aliased the caller's message: %v", pd.Get())
	}
}

func TestDynJSONPanicsOnNonPointerDefault(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("DynJSON accepted a struct value; go-flagz requires a pointer")
		}
	}()
	DynJSON(newFlagSet(t), "j", routing{}, "")
}

func TestSensitiveValueRedactedInErrors(t *testing.T) {
	fs := newFlagSet(t)
	d := DynInt64(fs, "secret_port", 1, "").WithSensitive()
	err := d.Set("hunter2")
	if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), Redacted) {
		t.Errorf("error leaks or lacks redaction: %v", err)
	}
	if !IsFlagSensitive(fs.Lookup("secret_port")) {
		t.Error("flag not marked sensitive")
	}
}

func TestPanickingValidatorAndParserAreErrors(t *testing.T) {
	fs := newFlagSet(t)
	n := DynInt64(fs, "n", 1, "").WithValidator(func(v int64) error {
		if v == 13 {
			panic("unlucky")
		}
		return nil
	})
	err := n.Set("13")
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "unlucky") || n.Get() != 1 {
		t.Errorf("Set(13) = %v, value %d; want a validator error and the value kept", err, n.Get())
	}
	j := DynJSONOf(fs, "j", panicky{}, "")
	if err := j.Set(`{}`); !errors.Is(err, ErrParse) || !strings.Contains(err.Error(), "bad decoder") {
		t.Errorf("panicking decoder: %v", err)
	}
	// Through the engine the panic is a rejection like any other.
	rep := EngineFor(fs).Source("test", nil).Update(1, map[string]string{"n": "13"})
	if o, _ := rep.Outcome("n"); o.Result != record.Rejected {
		t.Errorf("engine outcome %+v", o)
	}
}

type panicky struct{}

func (*panicky) UnmarshalJSON([]byte) error { panic("bad decoder") }

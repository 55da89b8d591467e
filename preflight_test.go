package flagz

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz/schema"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// TestPreflightAgreesWithTheFlag sets each input on a real flag and checks
// that Preflight of the flag's published schema answers the same: nil for a
// value the flag takes, the same error text and kind for one it refuses.
func TestPreflightAgreesWithTheFlag(t *testing.T) {
	fs := newFlagSet(t)
	DynInt64(fs, "rate", 10, "").WithValidator(ValidateDynInt64Range(1, 100))
	DynFloat64(fs, "ratio", 0.5, "").WithValidator(ValidateDynFloat64Range(0, 1))
	DynDuration(fs, "timeout", time.Second, "").WithValidator(ValidateDynDurationRange(time.Millisecond, time.Minute))
	DynString(fs, "mode", "fast", "").WithValidator(ValidateDynStringMatchesRegex(regexp.MustCompile(`^(fast|slow)$`)))
	DynStringSlice(fs, "hosts", []string{"a"}, "").WithValidator(ValidateDynStringSliceMinElements(2))
	DynStringSet(fs, "tags", []string{"x"}, "").WithValidator(ValidateDynStringSetMinElements(1))
	DynRollout(fs, "checkout", Rollout{}, "").WithValidator(ValidateDynRolloutRange(0, 2000))
	DynBool(fs, "on", false, "")
	DynJSON(fs, "cfg", &struct{ A int }{}, "")
	DynString(fs, "token", "", "").WithSensitive().WithValidator(ValidateDynStringMatchesRegex(regexp.MustCompile(`^sk-`)))
	DynInt64(fs, "pin", 1, "").WithSensitive().WithValidator(ValidateDynInt64Range(1, 9))
	fs.Int("port", 80, "")
	fs.Duration("grace", time.Second, "")

	cases := []struct {
		flag, input string
		kind        error // nil: accepted
	}{
		{"rate", "50", nil},
		{"rate", " 0x10 ", nil},
		{"rate", "0", ErrInvalid},
		{"rate", "101", ErrInvalid},
		{"rate", "ten", ErrParse},
		{"ratio", "1", nil},
		{"ratio", "1.01", ErrInvalid},
		{"ratio", "NaN", ErrInvalid},
		{"timeout", "30s", nil},
		{"timeout", "2m", ErrInvalid},
		{"timeout", "soon", ErrParse},
		{"mode", "slow", nil},
		{"mode", "medium", ErrInvalid},
		{"hosts", "a,b", nil},
		{"hosts", "a", ErrInvalid},
		{"hosts", `"a`, ErrParse},
		{"tags", "", ErrInvalid},
		{"tags", "x,x", nil},
		{"checkout", "20%", nil},
		{"checkout", "20.01%", ErrInvalid},
		{"checkout", "ramp 0%..20% 2026-12-01T10:00:00Z..2026-12-08T10:00:00Z", nil},
		{"checkout", "ramp 0%..50% 2026-12-01T10:00:00Z..2026-12-08T10:00:00Z", ErrInvalid},
		{"checkout", "lots", ErrParse},
		{"on", "true", nil},
		{"on", "maybe", ErrParse},
		{"cfg", `{"A": 1}`, nil},
		{"cfg", `{"A": `, ErrParse},
		{"token", "sk-Hv4Rp8Jc", nil},
		{"token", "pk-Hv4Rp8Jc", ErrInvalid},
		{"pin", "Hv4Rp8Jc", ErrParse},
		{"pin", "12", ErrInvalid},
		{"port", "8080", nil},
		{"port", "eighty", ErrParse},
		{"grace", "5s", nil},
		{"grace", "5", ErrParse},
	}
	flags := EngineFor(fs).Schema()
	for _, c := range cases {
		s := schemaNamed(t, flags, c.flag)
		got := Preflight(s, c.input)
		flagErr := fs.Set(c.flag, c.input)
		switch {
		case c.kind == nil && got != nil:
			t.Errorf("Preflight(%s, %q) = %v, want nil", c.flag, c.input, got)
		case c.kind != nil && !errors.Is(got, c.kind):
			t.Errorf("Preflight(%s, %q) = %v, want %v", c.flag, c.input, got, c.kind)
		case (got == nil) != (flagErr == nil):
			t.Errorf("%s=%q: Preflight says %v, the flag says %v", c.flag, c.input, got, flagErr)
		case got != nil && s.Dynamic && c.flag != "cfg" && !strings.Contains(flagErr.Error(), got.Error()):
			t.Errorf("%s=%q: Preflight says %q, the flag says %q", c.flag, c.input, got, flagErr)
		}
		var ve *ValueError
		if got != nil && (!errors.As(got, &ve) || ve.Flag != c.flag) {
			t.Errorf("Preflight(%s, %q) = %v, want a ValueError naming the flag", c.flag, c.input, got)
		}
		if got != nil && s.Sensitive && strings.Contains(got.Error(), "Hv4Rp8Jc") {
			t.Errorf("Preflight of sensitive %s shows the value: %v", c.flag, got)
		}
	}
}

func TestPreflightUnknownTypes(t *testing.T) {
	fs := newFlagSet(t)
	DynProto(fs, "msg", wrapperspb.String("x"), "")
	fs.Var(&foreignValue{}, "foreign", "")
	flags := EngineFor(fs).Schema()
	for _, name := range []string{"msg", "foreign"} {
		if err := Preflight(schemaNamed(t, flags, name), "x"); !errors.Is(err, schema.ErrUnknownType) || !strings.Contains(err.Error(), name) {
			t.Errorf("Preflight(%s) = %v, want schema.ErrUnknownType naming the flag", name, err)
		}
	}
}

func TestPreflightSkipsCustomAndUnknownKinds(t *testing.T) {
	s := schema.Flag{Name: "rate", Type: "dyn_int64", Dynamic: true, Constraints: []schema.Constraint{
		{Kind: "custom"}, {Kind: "prime_numbers_only"}, {Kind: "range", Max: "10"}}}
	if got := schema.Uncheckable(s); got != 2 {
		t.Errorf("schema.Uncheckable = %d, want 2", got)
	}
	if err := Preflight(s, "-1000"); err != nil {
		t.Errorf("Preflight below an unbounded min: %v", err)
	}
	if err := Preflight(s, "11"); !errors.Is(err, ErrInvalid) {
		t.Errorf("Preflight above max: %v, want ErrInvalid", err)
	}
	s.Constraints = []schema.Constraint{{Kind: "range", Min: "one"}}
	if err := Preflight(s, "1"); err == nil || !strings.Contains(err.Error(), `"rate"`) {
		t.Errorf("Preflight with an unreadable constraint: %v, want an error naming the flag", err)
	}
}

func TestPreflightTouchesNoFlagSet(t *testing.T) {
	fs := newFlagSet(t)
	rate := DynInt64(fs, "rate", 10, "")
	if err := Preflight(schemaNamed(t, EngineFor(fs).Schema(), "rate"), "20"); err != nil {
		t.Fatal(err)
	}
	if rate.Get() != 10 {
		t.Errorf("Preflight changed the flag to %d", rate.Get())
	}
}

type foreignValue struct{ s string }

func (v *foreignValue) String() string     { return v.s }
func (v *foreignValue) Set(s string) error { v.s = s; return nil }
func (v *foreignValue) Type() string       { return "foreign" }

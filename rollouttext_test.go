package flagz

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// Each form a person writes reads as the value meant, and prints
// canonically; the canonical text sets an equal value.
func TestRolloutTextForms(t *testing.T) {
	r := DynRollout(newFlagSet(t), "checkout", Rollout{}, "")
	for _, c := range []struct{ input, canonical string }{
		{"5%", "5%"},
		{"12.5%", "12.5%"},
		{"0%", "0%"},
		{"100%", "100%"},
		{"0.01%", "0.01%"},
		{" 99.99%\n", "99.99%"},
		{"005.50%", "5.5%"},
		{"100.00%", "100%"},
		{"25% salt=checkout-v2", "25% salt=checkout-v2"},
		{"25% salt=checkout", "25%"}, // the flag's name is the default salt
		{"25% salt=", "25%"},
		{"10%   off=c,a\ton=b,b,d", "10% on=b,d off=a,c"},
		{"10% on=", "10%"},
		{"ramp 5%..100% 2026-12-01T10:00:00Z..2026-12-08T10:00:00Z",
			"ramp 5%..100% 2026-12-01T10:00:00Z..2026-12-08T10:00:00Z"},
		{"ramp 50%..0.5% 2026-12-01T12:00:00+02:00..2026-12-01T12:30:00.25+02:00 salt=x on=a",
			"ramp 50%..0.5% 2026-12-01T10:00:00Z..2026-12-01T10:30:00.25Z salt=x on=a"},
		{"ramp 0%..100% 2026-12-01T10:00:00Z..2026-12-01T10:00:00Z",
			"ramp 0%..100% 2026-12-01T10:00:00Z..2026-12-01T10:00:00Z"},
		{`{"percent": 12.5}`, "12.5%"},
		{` {"percent": 7, "salt": "s", "on": ["b", "a"], "off": ["c"]}` + "\n", "7% salt=s on=a,b off=c"},
		{`{"ramp": {"from": 5, "to": 100, "start": "2026-12-01T10:00:00Z", "end": "2026-12-08T10:00:00Z"}}`,
			"ramp 5%..100% 2026-12-01T10:00:00Z..2026-12-08T10:00:00Z"},
		// Salts and keys that do not fit in a word print as JSON.
		{`{"percent": 5, "on": ["Jane Doe", "a,b"]}`, `{"percent":5,"on":["Jane Doe","a,b"]}`},
		{`{"percent": 5, "salt": "two words"}`, `{"percent":5,"salt":"two words"}`},
		{`{"ramp": {"from": 0, "to": 1, "start": "2026-12-01T10:00:00Z", "end": "2026-12-02T10:00:00Z"}, "off": ["<b>&"]}`,
			"ramp 0%..1% 2026-12-01T10:00:00Z..2026-12-02T10:00:00Z off=<b>&"},
		{`{"ramp": {"from": 0, "to": 1, "start": "2026-12-01T10:00:00Z", "end": "2026-12-02T10:00:00Z"}, "off": ["<b> &"]}`,
			`{"ramp":{"from":0,"to":1,"start":"2026-12-01T10:00:00Z","end":"2026-12-02T10:00:00Z"},"off":["<b> &"]}`},
	} {
		if err := r.Set(c.input); err != nil {
			t.Errorf("%q refused: %v", c.input, err)
			continue
		}
		if got := r.String(); got != c.canonical {
			t.Errorf("%q prints as %q, want %q", c.input, got, c.canonical)
		}
		held := r.Get()
		if err := r.Set(r.String()); err != nil {
			t.Errorf("%q: its canonical text %q is refused: %v", c.input, r.String(), err)
		} else if !equalRollouts(held, r.Get()) {
			t.Errorf("%q: its canonical text %q sets %+v, not %+v", c.input, r.String(), r.Get(), held)
		}
	}
}

func TestRolloutTextFieldsAreRead(t *testing.T) {
	r := DynRollout(newFlagSet(t), "checkout", Rollout{}, "")
	mustSet(t, r, "ramp 5%..100% 2026-12-01T10:00:00Z..2026-12-08T10:00:00Z salt=v2 on=b,a off=c")
	got := r.Get()
	want := Rollout{Salt: "v2", On: []string{"a", "b"}, Off: []string{"c"}, Ramp: &Ramp{From: 500, To: 10000,
		Start: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)}}
	if !equalRollouts(got, want) {
		t.Errorf("got %+v ramp %+v, want %+v ramp %+v", got, *got.Ramp, want, *want.Ramp)
	}
	mustSet(t, r, "12.34%")
	if got := r.Get(); got.BasisPoints != 1234 || got.Ramp != nil || got.Salt != "checkout" {
		t.Errorf("12.34%% read as %+v", got)
	}
}

// Bad input is refused with an error naming the flag and saying what a good
// value looks like; the last good value stays.
func TestRolloutBadInput(t *testing.T) {
	r := DynRollout(newFlagSet(t), "checkout", Rollout{}, "")
	mustSet(t, r, "5%")
	for _, c := range []struct{ input, reason string }{
		{"101%", "above 100%"},
		{"1000%", "above 100%"},
		{"-1%", "below 0%"},
		{"5", `has no % sign: write 5%`},
		{"12.345%", "more than two decimals"},
		{"5.%", "such as 5% or 12.5%"},
		{".5%", "such as 5% or 12.5%"},
		{"1e1%", "such as 5% or 12.5%"},
		{"half", `"half": want a share such as 5% or 12.5%, or a ramp such as "ramp 5%..100%`},
		{"", "empty: want a share such as 5%"},
		{"  \n", "empty"},
		{"ramp 5%..100% 2026-12-08T10:00:00Z..2026-12-01T10:00:00Z", "before it starts"},
		{"ramp 5%..100%", `"ramp FROM..TO START..END"`},
		{"ramp 5%-100% 2026-12-01T10:00:00Z..2026-12-08T10:00:00Z", "want FROM..TO"},
		{"ramp 5%..100% 2026-12-01T10:00:00Z", "want START..END"},
		{"ramp 5%..100% 2026-12-01..2026-12-08", "want an RFC 3339 time"},
		{"ramp 5%..101% 2026-12-01T10:00:00Z..2026-12-08T10:00:00Z", "ramp to"},
		{"5% salt=a salt=b", "salt= is given twice"},
		{"5% colour=red", "want salt=NAME, on=KEY,KEY or off=KEY,KEY"},
		{"5% 6%", "want salt=NAME"},
		{"5% on=a,,b", "empty key in on="},
		{"5% on=a off=a", "both always on and always off"},
		{"5% on=\xff", "valid UTF-8"},
		{`{"percent": 5, "ramp": {}}`, "exactly one of"},
		{`{}`, "exactly one of"},
		{`{"percent": 1e1}`, "such as 5% or 12.5%"},
		{`{"percent": 150}`, "above 100%"},
		{`{"percent": 5, "colour": "red"}`, "unknown field"},
		{`{"percent": 5} {}`, "text after the object"},
		{`{"percent": 5`, "JSON form"},
		{`{"ramp": {"from": 5, "to": 10}}`, `needs "from", "to", "start" and "end"`},
		{`{"ramp": {"to": 10, "start": "2026-12-01T10:00:00Z", "end": "2026-12-08T10:00:00Z"}}`, "ramp from"},
		{`{"percent": 5, "salt": "a\u0000b"}`, "zero byte"},
		{`{"percent": 5, "off": [""]}`, "empty key in off="},
	} {
		err := r.Set(c.input)
		if err == nil {
			t.Errorf("%q accepted as %q", c.input, r.String())
			continue
		}
		var ve *ValueError
		if !errors.As(err, &ve) || ve.Flag != "checkout" || !errors.Is(err, ErrParse) {
			t.Errorf("%q: %v is not a parse error naming the flag", c.input, err)
		}
		if !strings.Contains(err.Error(), c.reason) {
			t.Errorf("%q: error %q does not say %q", c.input, err, c.reason)
		}
		if r.String() != "5%" {
			t.Fatalf("%q changed the value to %q", c.input, r.String())
		}
	}
}

// The errors of a sensitive flag quote nothing of the input.
func TestRolloutSensitiveErrors(t *testing.T) {
	r := DynRollout(newFlagSet(t), "checkout", Rollout{}, "").WithSensitive()
	for _, input := range []string{"5% on=secret-user off=secret-user", "5% on=secret-user,,b", "secret-user", "5% secret-user=1",
		`{"percent": 5, "salt": "secret-user\u0000"}`} {
		err := r.Set(input)
		if err == nil {
			t.Fatalf("%q accepted", input)
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("%q: the error quotes the value: %v", input, err)
		}
		if !strings.Contains(err.Error(), "want a share such as 5%") {
			t.Errorf("%q: the error does not say what a good value looks like: %v", input, err)
		}
	}
}

// Describe reads as a person wrote the value, with a ramp's share now.
func TestRolloutDescribe(t *testing.T) {
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	ramp := &Ramp{From: 500, To: 10000, Start: start, End: start.Add(7 * 24 * time.Hour)}
	for _, c := range []struct {
		r    Rollout
		now  time.Time
		want string
	}{
		{Rollout{BasisPoints: 2500, Salt: "flag"}, start, "25%"},
		{Rollout{BasisPoints: 2500, Salt: "checkout-v2"}, start, "25% (salt checkout-v2)"},
		{Rollout{BasisPoints: 1, Salt: "flag", On: []string{"a", "b"}, Off: []string{"c", "d", "e", "f", "g", "h", "i"}}, start,
			"0.01% (always on: a, b; always off: c, d, e, f, g and 2 more)"},
		{Rollout{Ramp: ramp, Salt: "flag"}, start.Add(-time.Second),
			"5% until 2026-12-01T10:00:00Z, then ramping to 100% by 2026-12-08T10:00:00Z"},
		{Rollout{Ramp: ramp, Salt: "v2"}, start.Add(84 * time.Hour),
			"52.5% now, ramping 5% → 100% from 2026-12-01T10:00:00Z to 2026-12-08T10:00:00Z (salt v2)"},
		{Rollout{Ramp: ramp, Salt: "flag"}, ramp.End,
			"100% (ramp from 5% ended 2026-12-08T10:00:00Z)"},
	} {
		if got := describeRollout(c.r, "flag", c.now); got != c.want {
			t.Errorf("described as %q, want %q", got, c.want)
		}
	}

	r := DynRollout(newFlagSet(t), "checkout", Rollout{BasisPoints: 2500, Salt: "checkout-v2"}, "")
	if got := r.Describe(); got != "25% (salt checkout-v2)" {
		t.Errorf("Describe() = %q", got)
	}
	r.WithSensitive()
	if got := r.Describe(); got != Redacted {
		t.Errorf("a sensitive flag describes itself as %q", got)
	}
}

func TestRolloutType(t *testing.T) {
	if got := DynRollout(newFlagSet(t), "r", Rollout{}, "").Type(); got != "dyn_rollout" {
		t.Errorf("Type() = %q", got)
	}
}

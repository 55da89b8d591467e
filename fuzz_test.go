package flagz

import (
	"testing"

	"google.golang.org/protobuf/types/known/structpb"
)

// fuzzRoundTrip checks one parser: it never panics, and whatever it accepts
// prints as text that parses back to an equal value.
func fuzzRoundTrip[T any](f *testing.F, c *codec[T], seeds ...string) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, input string) {
		v, err := c.parse(input)
		if err != nil {
			return
		}
		text := c.format(v)
		back, err := c.parse(text)
		if err != nil {
			t.Fatalf("%q parsed, printed as %q, which does not parse: %v", input, text, err)
		}
		if !c.equal(v, back) {
			t.Fatalf("%q parsed to %v, printed as %q, parsed back to %v", input, v, text, back)
		}
	})
}

func FuzzBool(f *testing.F) { fuzzRoundTrip(f, boolCodec, "true", " 0\n", "T", "maybe") }
func FuzzInt64(f *testing.F) {
	fuzzRoundTrip(f, int64Codec, "42", " -0x1F\n", "0b101", "9223372036854775808")
}
func FuzzFloat64(f *testing.F) {
	fuzzRoundTrip(f, float64Codec, "1.5", "NaN", "-Inf", "1e400", "0x1p-2")
}
func FuzzDuration(f *testing.F) { fuzzRoundTrip(f, durationCodec, "1h2m", " 300ms\n", "-1.5us", "1d") }
func FuzzStringSlice(f *testing.F) {
	fuzzRoundTrip(f, stringSliceCodec, "a,b", ` "x,y" , z`, `""`, `"""`, ",,", "a\n")
}
func FuzzStringSet(f *testing.F) { fuzzRoundTrip(f, stringSetCodec, "b,a,b", `"q""",x`, "") }

func FuzzJSON(f *testing.F) {
	fs := newFlagSet(f)
	fuzzRoundTrip(f, DynJSONOf(fs, "j", routing{}, "").codec, `{"backends":["a"],"weight":2}`, `{}`, `null`, `[`)
}

func FuzzProto(f *testing.F) {
	fs := newFlagSet(f)
	fuzzRoundTrip(f, DynProto(fs, "p", &structpb.Struct{}, "").codec, `{"a":1}`, `{"a":{"b":[1,"x",null]}}`, "\x0a\x03\x0a\x01a", "")
}

func FuzzRollout(f *testing.F) {
	fs := newFlagSet(f)
	fuzzRoundTrip(f, DynRollout(fs, "rollout", Rollout{}, "").codec,
		"5%", " 12.5%\n", "100.00%", "101%", "-1%", "5", "25% salt=checkout-v2 on=b,a off=c",
		"ramp 5%..100% 2026-12-01T10:00:00Z..2026-12-08T10:00:00.5+02:00", "25% salt=rollout",
		`{"percent": 7, "salt": "two words", "on": ["a,b"]}`,
		`{"ramp": {"from": 5, "to": 1, "start": "2026-12-01T10:00:00Z", "end": "2026-12-08T10:00:00Z"}}`)
}

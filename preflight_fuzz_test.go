package flagz

import (
	"regexp"
	"testing"
	"time"
)

// FuzzPreflight checks that Preflight never panics and accepts exactly
// what the flag it describes accepts.
func FuzzPreflight(f *testing.F) {
	fs := newFlagSet(f)
	DynInt64(fs, "int", 1, "").WithValidator(ValidateDynInt64Range(-5, 50))
	DynFloat64(fs, "float", 1, "").WithValidator(ValidateDynFloat64Range(0, 1))
	DynDuration(fs, "duration", time.Second, "").WithValidator(ValidateDynDurationRange(0, time.Hour))
	DynString(fs, "string", "a", "").WithValidator(ValidateDynStringMatchesRegex(regexp.MustCompile(`^[a-z]+$`)))
	DynStringSlice(fs, "slice", []string{"a"}, "").WithValidator(ValidateDynStringSliceMinElements(2))
	DynStringSet(fs, "set", []string{"a"}, "").WithValidator(ValidateDynStringSetMinElements(1))
	DynRollout(fs, "rollout", Rollout{}, "").WithValidator(ValidateDynRolloutRange(100, 5000))
	DynBool(fs, "bool", false, "")
	fs.Int("static", 1, "")
	schema := EngineFor(fs).Schema()
	for _, seed := range []string{"7", "-6", "0.5", "1h", "abc", "a,b", `"a,b"`, "", "12.5%", "ramp 1%..2% 2026-01-01T00:00:00Z..2026-01-02T00:00:00Z", "true"} {
		for i := range schema {
			f.Add(uint8(i), seed)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, input string) {
		s := schema[int(which)%len(schema)]
		got := Preflight(s, input)
		want := fs.Lookup(s.Name).Value.Set(input)
		if (got == nil) != (want == nil) {
			t.Fatalf("%s=%q: Preflight says %v, the flag says %v", s.Name, input, got, want)
		}
	})
}

package flagz

import (
	"encoding/json"
	"errors"
	"flag"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz/schema"
)

func TestSchemaOfPublishesEveryValidatorHelper(t *testing.T) {
	fs := newFlagSet(t)
	DynInt64(fs, "rate", 10, "requests per second").WithValidator(ValidateDynInt64Range(1, 100))
	DynInt64(fs, "burst", 5, "burst").WithValidator(ValidateDynInt64Range(-3, 7)) // another closure of the same helper
	DynFloat64(fs, "ratio", 0.5, "ratio").WithValidator(ValidateDynFloat64Range(0, 1.5))
	DynDuration(fs, "timeout", time.Second, "timeout").WithValidator(ValidateDynDurationRange(time.Millisecond, time.Minute))
	DynString(fs, "mode", "fast", "mode").WithValidator(ValidateDynStringMatchesRegex(regexp.MustCompile(`^(fast|slow)$`)))
	DynStringSlice(fs, "hosts", []string{"a"}, "hosts").WithValidator(ValidateDynStringSliceMinElements(1))
	DynStringSet(fs, "tags", []string{"x", "y"}, "tags").WithValidator(ValidateDynStringSetMinElements(2))
	DynRollout(fs, "checkout", Rollout{BasisPoints: 100}, "rollout").WithValidator(ValidateDynRolloutRange(0, 1250))
	DynInt64(fs, "custom", 1, "custom").
		WithValidator(func(v int64) error { return nil }).
		WithValidator(ValidateDynInt64Range(0, 9))
	DynBool(fs, "plain", false, "no validator")
	fs.Int("port", 8080, "listen port")

	want := map[string][]schema.Constraint{
		"rate":     {{Kind: "range", Min: "1", Max: "100"}},
		"burst":    {{Kind: "range", Min: "-3", Max: "7"}},
		"ratio":    {{Kind: "range", Min: "0", Max: "1.5"}},
		"timeout":  {{Kind: "range", Min: "1ms", Max: "1m0s"}},
		"mode":     {{Kind: "regex", Pattern: `^(fast|slow)$`}},
		"hosts":    {{Kind: "min_elements", Count: 1}},
		"tags":     {{Kind: "min_elements", Count: 2}},
		"checkout": {{Kind: "rollout", Min: "0%", Max: "12.5%"}},
		"custom":   {{Kind: "custom"}, {Kind: "range", Min: "0", Max: "9"}},
		"plain":    nil,
		"port":     nil,
	}
	flags := EngineFor(fs).Schema()
	if len(flags) != len(want) {
		t.Fatalf("SchemaOf lists %d flags, want %d: %+v", len(flags), len(want), flags)
	}
	if !slices.IsSortedFunc(flags, func(a, b schema.Flag) int { return strings.Compare(a.Name, b.Name) }) {
		t.Errorf("SchemaOf is not sorted by name: %+v", flags)
	}
	for _, s := range flags {
		if !slices.Equal(s.Constraints, want[s.Name]) {
			t.Errorf("%s: constraints %+v, want %+v", s.Name, s.Constraints, want[s.Name])
		}
	}
	if got := schema.Uncheckable(schemaNamed(t, flags, "custom")); got != 1 {
		t.Errorf("schema.Uncheckable(custom) = %d, want 1", got)
	}
	port := schemaNamed(t, flags, "port")
	if want := (schema.Flag{Name: "port", Type: "int", Default: "8080", Usage: "listen port"}); !equalSchema(port, want) {
		t.Errorf("port: %+v, want %+v", port, want)
	}
	tags := schemaNamed(t, flags, "tags")
	if tags.Type != "dyn_stringset" || !tags.Dynamic || tags.Default != "x,y" {
		t.Errorf("tags: %+v, want a dynamic dyn_stringset with default x,y", tags)
	}
}

func TestSchemaRedactsSensitiveDefaults(t *testing.T) {
	fs := newFlagSet(t)
	DynString(fs, "token", "sk-planted", "api token").WithSensitive()
	fs.String("password", "hunter2", "static secret")
	MarkSensitive(fs, "password")
	out, err := json.Marshal(EngineFor(fs).Schema())
	if err != nil {
		t.Fatal(err)
	}
	for _, planted := range []string{"sk-planted", "hunter2"} {
		if strings.Contains(string(out), planted) {
			t.Errorf("schema shows a sensitive default %q: %s", planted, out)
		}
	}
	for _, s := range EngineFor(fs).Schema() {
		if !s.Sensitive || s.Default != Redacted {
			t.Errorf("%s: sensitive %v, default %q; want sensitive, %q", s.Name, s.Sensitive, s.Default, Redacted)
		}
	}
}

func TestSchemaOfStandardFlagSet(t *testing.T) {
	fs := flag.NewFlagSet(t.Name(), flag.ContinueOnError)
	DynInt64(fs, "rate", 3, "rate").WithValidator(ValidateDynInt64Range(1, 5))
	fs.Int("port", 1, "port")
	flags := EngineFor(fs).Schema()
	want := []schema.Flag{
		{Name: "port", Type: "", Default: "1", Usage: "port"},
		{Name: "rate", Type: "dyn_int64", Dynamic: true, Default: "3", Usage: "rate",
			Constraints: []schema.Constraint{{Kind: "range", Min: "1", Max: "5"}}},
	}
	if len(flags) != len(want) || !equalSchema(flags[0], want[0]) || !equalSchema(flags[1], want[1]) {
		t.Errorf("SchemaOf = %+v, want %+v", flags, want)
	}
	if err := Preflight(flags[0], "2"); !errors.Is(err, schema.ErrUnknownType) {
		t.Errorf("Preflight of a standard static flag: %v, want schema.ErrUnknownType", err)
	}
}

func TestFlagSchemaJSON(t *testing.T) {
	s := schema.Flag{Name: "rate", Type: "dyn_int64", Dynamic: true, Default: "10", Usage: "rps",
		Constraints: []schema.Constraint{{Kind: "range", Min: "1", Max: "100"}, {Kind: "custom"}}}
	out, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"name":"rate","type":"dyn_int64","dynamic":true,"default":"10","usage":"rps",` +
		`"constraints":[{"kind":"range","min":"1","max":"100"},{"kind":"custom"}]}`
	if string(out) != want {
		t.Errorf("JSON:\n got %s\nwant %s", out, want)
	}
}

func schemaNamed(t *testing.T, flags []schema.Flag, name string) schema.Flag {
	t.Helper()
	for _, s := range flags {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no flag %q in %+v", name, flags)
	return schema.Flag{}
}

func equalSchema(a, b schema.Flag) bool {
	return a.Name == b.Name && a.Type == b.Type && a.Dynamic == b.Dynamic && a.Default == b.Default &&
		a.Usage == b.Usage && a.Sensitive == b.Sensitive && slices.Equal(a.Constraints, b.Constraints)
}

package flagz

import (
	"errors"
	"strings"
	"testing"
)

type limits struct {
	Burst int `json:"burst"`
	Rate  int `json:"rate"`
}

// DynJSONOf refuses a document with a field its type lacks (a misspelt
// name would otherwise leave the meant field zero, silently), naming the
// field; the last good value stays. Text after the document is refused too.
func TestDynJSONOfRefusesUnknownFields(t *testing.T) {
	fs := newFlagSet(t)
	l := DynJSONOf(fs, "limits", limits{Burst: 1, Rate: 2}, "")
	err := l.Set(`{"burst": 5, "rtae": 10}`)
	if !errors.Is(err, ErrParse) || !strings.Contains(err.Error(), `unknown field "rtae"`) ||
		!strings.Contains(err.Error(), `flag "limits"`) {
		t.Fatalf("got %v, want a parse error naming the unknown field", err)
	}
	if got := l.Get(); got != (limits{Burst: 1, Rate: 2}) {
		t.Fatalf("value %+v, want the last good", got)
	}
	if err := l.Set(`{"burst": 5} {"rate": 1}`); !errors.Is(err, ErrParse) {
		t.Fatalf("trailing text: got %v", err)
	}
	for _, bad := range []string{``, ` `, `{`} {
		if err := l.Set(bad); !errors.Is(err, ErrParse) {
			t.Fatalf("%q: got %v", bad, err)
		}
	}
	if err := l.Set(" {\"burst\": 5}\n"); err != nil {
		t.Fatal(err)
	}
	if got := l.Get(); got != (limits{Burst: 5}) {
		t.Fatalf("value %+v", got)
	}
}

// AllowUnknownFields restores encoding/json's leniency for one flag; DynJSON
// (go-flagz's untyped form) always ignores unknown fields, as go-flagz did.
func TestDynJSONUnknownFieldsOptOut(t *testing.T) {
	fs := newFlagSet(t)
	lenient := DynJSONOf(fs, "lenient", limits{}, "").AllowUnknownFields()
	strict := DynJSONOf(fs, "strict", limits{}, "")
	if err := lenient.Set(`{"burst": 5, "extra": true}`); err != nil {
		t.Fatal(err)
	}
	if got := lenient.Get(); got != (limits{Burst: 5}) {
		t.Fatalf("value %+v", got)
	}
	if err := strict.Set(`{"extra": true}`); err == nil {
		t.Fatal("AllowUnknownFields of one flag reached another")
	}
	untyped := DynJSON(fs, "untyped", &limits{}, "")
	if err := untyped.Set(`{"rate": 3, "extra": true}`); err != nil {
		t.Fatalf("DynJSON: %v", err)
	}
	if got := *untyped.Get().(*limits); got != (limits{Rate: 3}) {
		t.Fatalf("value %+v", got)
	}
	DynInt64(fs, "n", 0, "").AllowUnknownFields() // no effect, no panic
}

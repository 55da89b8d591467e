package debug_test

import (
	"flag"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/debug"
)

// A value that describes itself (a rollout) reads on the page and in JSON as
// a person wrote it, beside its canonical text; a sensitive one does not.
func TestPageShowsDescriptions(t *testing.T) {
	f := newFixture(t)
	flagz.DynRollout(f.fs, "new_checkout", flagz.Rollout{}, "share of users on the new checkout")
	flagz.DynRollout(f.fs, "secret_rollout", flagz.Rollout{}, "").WithSensitive()
	f.source("etcd").Update(5, map[string]string{
		"new_checkout":   "25% salt=checkout-v2",
		"secret_rollout": "5% on=vip-customer",
	})

	p := getPage(t, f, "")
	rollout := flagOf(t, p, "new_checkout")
	if rollout.Value != "25% salt=checkout-v2" || rollout.Description != "25% (salt checkout-v2)" {
		t.Errorf("rollout in JSON: value %q, description %q", rollout.Value, rollout.Description)
	}
	if d := flagOf(t, p, "secret_rollout").Description; d != "" {
		t.Errorf("a sensitive rollout is described as %q", d)
	}
	if d := flagOf(t, p, "rate").Description; d != "" {
		t.Errorf("an int64 flag has the description %q", d)
	}

	_, _, body := get(t, f.url(debug.Path), "Accept", "text/html")
	if strings.Contains(body, "vip-customer") {
		t.Error("the page shows a sensitive rollout's keys")
	}
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	row := findElement(doc, func(n *html.Node) bool { return attr(n, "data-flag") == "new_checkout" })
	describe := findElement(row, func(n *html.Node) bool { return attr(n, "class") == "describe" })
	if got := textOf(describe); got != "25% (salt checkout-v2)" {
		t.Errorf("page describes the rollout as %q", got)
	}
	if got := textOf(valuePre(row)); got != "25% salt=checkout-v2" {
		t.Errorf("page shows the rollout's value as %q", got)
	}
}

// Descriptions work on a standard library flag set too.
func TestPageShowsDescriptionsOfStandardFlags(t *testing.T) {
	fs := flag.NewFlagSet(t.Name(), flag.ContinueOnError)
	r := flagz.DynRollout(fs, "new_checkout", flagz.Rollout{BasisPoints: 1250}, "")
	srv := httptest.NewServer(debug.NewHandler(fs))
	t.Cleanup(srv.Close)
	status, _, body := get(t, srv.URL+"?format=json")
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	if got := flagOf(t, decodePage(t, body), "new_checkout").Description; got != r.Describe() || got != "12.5%" {
		t.Errorf("description %q, want %q", got, r.Describe())
	}
}

// panickyValue is a flag value whose Describe panics.
type panickyValue struct{}

func (panickyValue) String() string   { return "v" }
func (panickyValue) Set(string) error { return nil }
func (panickyValue) Type() string     { return "panicky" }
func (panickyValue) Describe() string { panic("describe failed") }

// A Describe that panics leaves the page whole, with the canonical value.
func TestPageSurvivesAPanickingDescribe(t *testing.T) {
	f := newFixture(t)
	f.fs.Var(panickyValue{}, "panicky", "")
	p := getPage(t, f, "")
	if got := flagOf(t, p, "panicky"); got.Value != "v" || got.Description != "" {
		t.Errorf("value %q, description %q", got.Value, got.Description)
	}
}

package debug_test

import (
	"flag"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/debug"
)

// The handler works on a standard library flag set too.
func TestStandardFlagSet(t *testing.T) {
	fs := flag.NewFlagSet("std", flag.ContinueOnError)
	rate := flagz.DynInt64(fs, "rate", 1, "requests per second")
	fs.String("mode", "fast", "static mode")
	srv := httptest.NewServer(debug.NewHandler(fs, debug.WithSetter(func(*http.Request) error { return nil })))
	defer srv.Close()
	f := &fixture{srv: srv}

	status, _, res := post(t, f, http.MethodPost, form("rate", "7"), "X-Token", token)
	if status != http.StatusOK || rate.Get() != 7 || res.Value != "7" {
		t.Fatalf("set on a standard flag set: %d %+v, rate %d", status, res, rate.Get())
	}
	if status, _, res = post(t, f, http.MethodPost, form("mode", "slow"), "X-Token", token); status != http.StatusBadRequest {
		t.Fatalf("static standard flag: %d %+v", status, res)
	}
	p := getPage(t, f, "")
	if p.FlagSet != "std" || len(p.Flags) != 2 {
		t.Fatalf("page %+v", p)
	}
	if m := flagOf(t, p, "mode"); m.Dynamic || m.Value != "fast" || m.Type != "" {
		t.Errorf("mode = %+v", m)
	}
	if r := flagOf(t, p, "rate"); !r.Dynamic || !r.Changed || r.LastChange == nil || r.LastChange.Source != debug.SourceName {
		t.Errorf("rate = %+v", r)
	}
}

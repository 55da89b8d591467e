package demo

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/spf13/pflag"
)

func newTestServer(t *testing.T) (*pflag.FlagSet, *Flags, *httptest.Server) {
	t.Helper()
	fs := pflag.NewFlagSet("demo", pflag.ContinueOnError)
	f := DeclareFlags(fs)
	h, err := Handler(fs, f, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return fs, f, srv
}

func getStatus(t *testing.T, url string) (int, Status) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st Status
	if resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode, st
}

func TestStatusFollowsFlags(t *testing.T) {
	fs, f, srv := newTestServer(t)
	if err := fs.Set(FlagRateLimit, "1000"); err != nil {
		t.Fatal(err)
	}
	f.RateLimit.WaitNotified()

	code, st := getStatus(t, srv.URL+"/")
	if code != http.StatusOK || st.Greeting != DefaultGreeting || st.Shout || st.RateLimit != 1000 {
		t.Fatalf("GET / = %d %+v, want the defaults", code, st)
	}

	for name, value := range map[string]string{FlagGreeting: "good morning", FlagShout: "true"} {
		if err := f.flagSet(name).Set(value); err != nil {
			t.Fatal(err)
		}
	}
	if _, st = getStatus(t, srv.URL+"/"); st.Greeting != "GOOD MORNING" || !st.Shout {
		t.Fatalf("GET / after the change = %+v, want the greeting in capitals", st)
	}
}

// flagSet returns the value of the flag called name, to set it as a
// source would.
func (f *Flags) flagSet(name string) interface{ Set(string) error } {
	switch name {
	case FlagGreeting:
		return f.Greeting
	case FlagShout:
		return f.Shout
	case FlagRoutes:
		return f.Routes
	default:
		panic("no flag " + name)
	}
}

func TestRateLimitFollowsFlag(t *testing.T) {
	fs, f, srv := newTestServer(t)
	if err := fs.Set(FlagRateLimit, "1"); err != nil {
		t.Fatal(err)
	}
	f.RateLimit.WaitNotified()
	// A bucket of one token refills once a second: of a quick burst of
	// requests, all but about one answer 429.
	limited := 0
	for range 5 {
		if code, _ := getStatus(t, srv.URL+"/"); code == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited == 0 {
		t.Fatal("rate_limit=1: no request of a burst of 5 was limited")
	}

	if err := fs.Set(FlagRateLimit, "10000"); err != nil {
		t.Fatal(err)
	}
	f.RateLimit.WaitNotified()
	// Wait for a token, then a burst fits in the new, larger bucket.
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, _ := getStatus(t, srv.URL+"/")
		if code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("still limited after rate_limit=10000")
		}
		time.Sleep(20 * time.Millisecond)
	}
	for i := range 20 {
		if code, _ := getStatus(t, srv.URL+"/"); code != http.StatusOK {
			t.Fatalf("request %d after rate_limit=10000: %d", i, code)
		}
	}
}

func TestRoutesPickLongestPrefix(t *testing.T) {
	_, f, srv := newTestServer(t)
	if err := f.Routes.Set(`{"routes":[{"prefix":"/api","backend":"a"},{"prefix":"/api/v2","backend":"b"}],"default":"w"}`); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{"/api/v2/x": "b", "/api/v1": "a", "/index.html": "w"} {
		resp, err := http.Get(srv.URL + "/route" + path)
		if err != nil {
			t.Fatal(err)
		}
		var got RouteAnswer
		err = json.NewDecoder(resp.Body).Decode(&got)
		resp.Body.Close()
		if err != nil || got.Backend != want || got.Path != path {
			t.Errorf("GET /route%s = %+v (%v), want backend %s", path, got, err, want)
		}
	}
}

func TestBadRoutingTableRefused(t *testing.T) {
	_, f, _ := newTestServer(t)
	err := f.Routes.Set(`{"routes":[{"prefix":"api","backend":""}],"default":""}`)
	if err == nil {
		t.Fatal("a table with an empty default and a prefix without / was accepted")
	}
	for _, want := range []string{`"routes"`, "default", "does not start with /", "backend is empty"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if got := f.Routes.Get(); got.Default != DefaultRoutingTable().Default {
		t.Errorf("routes changed to %+v after a refused value", got)
	}
}

func TestSetterOpenToLoopbackOnly(t *testing.T) {
	_, f, srv := newTestServer(t)
	resp, err := http.PostForm(srv.URL+"/debug/flagz/set", map[string][]string{"name": {FlagGreeting}, "value": {"from curl"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || f.Greeting.Get() != "from curl" {
		t.Fatalf("POST from loopback: %d %s; greeting %q", resp.StatusCode, body, f.Greeting.Get())
	}

	for addr, want := range map[string]bool{
		"127.0.0.1:5000": true, "[::1]:5000": true, "[::ffff:127.0.0.1]:1": true,
		"10.1.2.3:5000": false, "[2001:db8::1]:80": false, "garbage": false,
	} {
		r := httptest.NewRequest(http.MethodPost, "/debug/flagz/set", nil)
		r.RemoteAddr = addr
		if err := LoopbackOnly(r); (err == nil) != want {
			t.Errorf("LoopbackOnly(%s) = %v, want allowed=%v", addr, err, want)
		}
	}
}

func TestMetricsServed(t *testing.T) {
	_, _, srv := newTestServer(t)
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `flagz_checksum{`) {
		t.Fatalf("GET /metrics = %d, no flagz_checksum:\n%.500s", resp.StatusCode, body)
	}
}

// rate_limit and rate_burst are one struct: a burst below the rate is
// refused, and a batch setting both changes the bucket once.
func TestRateLimitsTogether(t *testing.T) {
	fs, f, _ := newTestServer(t)
	if err := fs.Set(FlagRateBurst, "2"); err == nil || !strings.Contains(err.Error(), "rate_burst 2 is below rate_limit 5") {
		t.Errorf("burst below the rate: %v", err)
	}
	src := flagz.EngineFor(fs).Source("test", slog.New(slog.DiscardHandler))
	if err := src.Update(1, map[string]string{FlagRateLimit: "50", FlagRateBurst: "80"}).Err(); err != nil {
		t.Fatal(err)
	}
	if got := f.RateLimit.Get(); got != (RateLimits{PerSecond: 50, Burst: 80}) || got.BurstSize() != 80 {
		t.Errorf("rate limits %+v", got)
	}
}

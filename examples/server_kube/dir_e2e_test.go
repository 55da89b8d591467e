package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flagz-go/flagz/debug"
	"github.com/flagz-go/flagz/examples/internal/demo"
	"github.com/flagz-go/flagz/examples/internal/demotest"
	"github.com/flagz-go/flagz/internal/atomicwriter"
)

// TestDirEndToEnd builds examples/server_kube and runs it with
// --source=dir on a directory written the way the kubelet writes a
// ConfigMap volume (..data swaps): the initial ConfigMap is served, the
// debug page and metrics are on their own listener, not the service's, an
// edited one applies, a refused value keeps the last good one, a removed
// key returns its default, SIGTERM stops it with exit code 0.
func TestDirEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the demo binary")
	}
	volume, err := atomicwriter.New(filepath.Join(t.TempDir(), "flags"))
	if err != nil {
		t.Fatal(err)
	}
	write := func(data map[string]string) {
		t.Helper()
		if err := volume.WriteStrings(data); err != nil {
			t.Fatal(err)
		}
	}
	write(map[string]string{demo.FlagGreeting: "hello from a ConfigMap", demo.FlagRateLimit: "1000"})

	p := demotest.Start(t, demotest.Build(t, ".", raceEnabled),
		"--source=dir", "--dir="+volume.Dir(), "--listen=127.0.0.1:0", "--admin-listen=127.0.0.1:0")
	if st := p.Status(t); st.Greeting != "hello from a ConfigMap" || st.RateLimit != 1000 {
		t.Fatalf("GET / right after start = %+v, want the ConfigMap's values", st)
	}
	// The service's listener serves neither the debug page nor the metrics:
	// they are on the admin listener, which the Service does not publish.
	if strings.HasPrefix(p.DebugURL, p.BaseURL+"/") {
		t.Errorf("debug page %s is on the service's listener %s", p.DebugURL, p.BaseURL)
	}
	for _, path := range []string{debug.Path, debug.Path + "?format=json", "/metrics"} {
		if status := p.GetJSON(t, path, nil); status != http.StatusNotFound {
			t.Errorf("GET %s on the service's listener: status %d, want 404", path, status)
		}
	}
	if f := p.Flag(t, demo.FlagGreeting); f.Value != "hello from a ConfigMap" {
		t.Errorf("greeting on the debug page = %q", f.Value)
	}

	write(map[string]string{demo.FlagGreeting: "edited", demo.FlagShout: "true", demo.FlagRateLimit: "1000"})
	p.WaitFor(t, "the edited ConfigMap in GET /", func() (bool, string) {
		st := p.Status(t)
		return st.Greeting == "EDITED" && st.Shout, p.Describe(t)
	})

	write(map[string]string{demo.FlagGreeting: "edited", demo.FlagShout: "true", demo.FlagRateLimit: "0"})
	p.WaitFor(t, "rate_limit=0 refused on the debug page", func() (bool, string) {
		f := p.Flag(t, demo.FlagRateLimit)
		return f.LastRejection != nil && f.LastRejection.Value == "0", "rate_limit = " + f.Value
	})
	if st := p.Status(t); st.RateLimit != 1000 {
		t.Errorf("GET / rate_limit = %d after a refused 0, want 1000 kept", st.RateLimit)
	}

	write(map[string]string{demo.FlagRateLimit: "1000"})
	p.WaitFor(t, "greeting and shout back to their defaults", func() (bool, string) {
		st := p.Status(t)
		return st.Greeting == demo.DefaultGreeting && !st.Shout, p.Describe(t)
	})
	p.Stop(t)
}

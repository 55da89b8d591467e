package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/flagz-go/flagz/examples/internal/demo"
	"github.com/flagz-go/flagz/examples/internal/demotest"
)

// TestEndToEndOnNATS runs the demo with --nats (its embedded nats-server)
// and drives it through the bucket only: a change shows on the debug page,
// in the metrics, through the OpenFeature provider and in the service's
// answers; a bad value is rolled back in the bucket; a deleted key returns
// the default; SIGTERM stops it with the server's store removed.
func TestEndToEndOnNATS(t *testing.T) {
	bin := demotest.Build(t, ".", raceEnabled)
	p := demotest.Start(t, bin, "--nats", "--listen=127.0.0.1:0")
	nc, err := nats.Connect(p.Field(t, "nats"))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), demotest.WaitTimeout)
	defer cancel()
	kv, err := js.KeyValue(ctx, p.Field(t, "bucket"))
	if err != nil {
		t.Fatal(err)
	}
	put := func(name, value string) uint64 {
		t.Helper()
		rev, err := kv.Put(ctx, name, []byte(value))
		if err != nil {
			t.Fatalf("put %s: %v", name, err)
		}
		return rev
	}

	put(demo.FlagRateLimit, "1000")
	put(demo.FlagGreeting, "hello over nats")
	p.WaitFor(t, "greeting and rate_limit on the page and in GET /", func() (bool, string) {
		st := p.Status(t)
		return p.Flag(t, demo.FlagGreeting).Value == "hello over nats" && st.Greeting == "hello over nats" &&
			st.RateLimit == 1000, p.Describe(t)
	})
	var of map[string]demo.Evaluation
	if code := p.GetJSON(t, "/openfeature", &of); code != http.StatusOK ||
		of[demo.FlagGreeting].Value != "hello over nats" || of[demo.FlagGreeting].Source != "nats:flagz_demo" {
		t.Errorf("GET /openfeature = %d %+v", code, of[demo.FlagGreeting])
	}
	if m := metrics(t, p.BaseURL); !strings.Contains(m, `source="nats:flagz_demo",state="SERVING"} 1`) {
		t.Errorf("the metrics show no state of the NATS source:\n%s", m)
	}

	badRev := put(demo.FlagRateLimit, "0")
	p.WaitFor(t, "rate_limit rolled back to 1000 in the bucket", func() (bool, string) {
		e, err := kv.Get(ctx, demo.FlagRateLimit)
		return err == nil && string(e.Value()) == "1000" && e.Revision() > badRev, fmt.Sprint(e, err)
	})
	if err := kv.Delete(ctx, demo.FlagGreeting); err != nil {
		t.Fatal(err)
	}
	p.WaitFor(t, "the default greeting back", func() (bool, string) {
		return p.Status(t).Greeting == demo.DefaultGreeting, p.Describe(t)
	})

	nc.Close()
	p.Stop(t)
	m := regexp.MustCompile(`store_dir=(\S+)`).FindStringSubmatch(p.Log())
	if m == nil {
		t.Fatal("the demo did not log its nats-server's store directory")
	}
	if _, err := os.Stat(m[1]); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("store directory %s still there after exit: %v", m[1], err)
	}
}

// metrics returns the text the demo's /metrics serves.
func metrics(t *testing.T, baseURL string) string {
	t.Helper()
	resp, err := http.Get(baseURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}

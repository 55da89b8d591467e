package monitoring_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/spf13/pflag"
	"golang.org/x/net/html"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/debug"
	"github.com/flagz-go/flagz/monitoring"
	"github.com/flagz-go/flagz/record"
)

// TestPageJSONAndScrapeWhileAWatcherWrites runs a writer changing flags in a
// loop through an engine source, as a watcher does, while clients fetch the
// HTML page, the JSON page and /metrics from a real server. Under -race it
// finds any unsynchronised access; each answer must also be consistent.
func TestPageJSONAndScrapeWhileAWatcherWrites(t *testing.T) {
	fs := pflag.NewFlagSet("server", pflag.ContinueOnError)
	flagz.DynInt64(fs, "rate", 0, "requests per second")
	flagz.DynString(fs, "greeting", "v0", "what to say")
	flagz.DynJSON(fs, "routing", &map[string]int{"n": 0}, "routing table")
	flagz.DynStringSlice(fs, "hosts", nil, "backends")
	fs.Int("port", 8080, "static")
	reg := prometheus.NewRegistry()
	if _, err := monitoring.Register(reg, fs); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	debug.Register(mux, fs)
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.HTTPErrorOnError}))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	src := flagz.EngineFor(fs).Source("etcd", discard)
	src.Load(1, map[string]string{"port": "9000"})
	src.SetState(record.StateServing, nil)

	ctx, cancel := context.WithCancel(context.Background())
	writerDone := make(chan int)
	go func() {
		i := 1
		for ; ctx.Err() == nil; i++ {
			src.Update(int64(i+1), map[string]string{
				"rate":     strconv.Itoa(i),
				"greeting": fmt.Sprintf("v%d", i),
				"routing":  fmt.Sprintf(`{"n":%d}`, i),
				"hosts":    fmt.Sprintf("a%d,b%d", i, i),
			})
			if i%10 == 0 {
				src.Update(int64(i+1), map[string]string{"port": "1", "rate": "not-a-number", "ghost": "x"})
			}
		}
		writerDone <- i
	}()

	const rounds = 40
	var wg sync.WaitGroup
	errs := make(chan error, 3*rounds)
	for _, read := range []func() error{
		func() error { return checkJSON(srv.URL) },
		func() error { return checkHTML(srv.URL) },
	} {
		wg.Go(func() {
			for range rounds {
				if err := read(); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Go(func() {
		var last float64
		for range rounds {
			applied, err := scrape(srv.URL)
			if err != nil {
				errs <- err
				return
			}
			if applied < last {
				errs <- fmt.Errorf("flagz_updates_total for rate went down: %v then %v", last, applied)
				return
			}
			last = applied
		}
	})
	wg.Wait()
	cancel()
	writes := <-writerDone
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	t.Logf("%d writer iterations during %d reads of each kind", writes, rounds)
}

func fetch(url, accept string) (string, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Accept", accept)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %s: %s", url, resp.Status, body)
	}
	return string(body), nil
}

// checkJSON fetches the JSON page and checks that every flag's value is
// the one its last change recorded: the page is one consistent read.
func checkJSON(base string) error {
	body, err := fetch(base+debug.Path, "application/json")
	if err != nil {
		return err
	}
	var p debug.Page
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		return fmt.Errorf("JSON page: %w", err)
	}
	if len(p.Flags) != 5 {
		return fmt.Errorf("JSON page lists %d flags, want 5", len(p.Flags))
	}
	var rate, greeting string
	for _, f := range p.Flags {
		if f.Dynamic && f.LastChange != nil && f.LastChange.New != f.Value {
			return fmt.Errorf("flag %s: value %q but last change set %q", f.Name, f.Value, f.LastChange.New)
		}
		switch f.Name {
		case "rate":
			rate = f.Value
		case "greeting":
			greeting = f.Value
		case "port":
			if f.Value != "9000" {
				return fmt.Errorf("static port changed to %q", f.Value)
			}
		}
	}
	if _, err := strconv.Atoi(rate); err != nil || !strings.HasPrefix(greeting, "v") {
		return fmt.Errorf("rate %q, greeting %q", rate, greeting)
	}
	if len(p.Sources) != 1 || p.Sources[0].State != record.StateServing {
		return fmt.Errorf("sources %+v", p.Sources)
	}
	return nil
}

// checkHTML fetches the page and checks it parses with one row per flag.
func checkHTML(base string) error {
	body, err := fetch(base+debug.Path, "text/html")
	if err != nil {
		return err
	}
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		return err
	}
	rows := 0
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && n.Data == "tr" {
			for _, a := range n.Attr {
				if a.Key == "data-flag" {
					rows++
				}
			}
		}
	}
	if rows != 5 {
		return fmt.Errorf("HTML page has %d flag rows, want 5", rows)
	}
	return nil
}

// scrape fetches /metrics, checks it parses, and returns how many applied
// updates rate has had.
func scrape(base string) (float64, error) {
	body, err := fetch(base+"/metrics", "text/plain")
	if err != nil {
		return 0, err
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("parsing /metrics: %w", err)
	}
	if n := len(mfs["flagz_checksum"].GetMetric()); n != 2 {
		return 0, fmt.Errorf("%d checksum series, want 2", n)
	}
	for _, m := range mfs["flagz_updates_total"].GetMetric() {
		if labelText(m) == `{flag="rate",result="applied",set="server",source="etcd"}` {
			return m.GetCounter().GetValue(), nil
		}
	}
	return 0, nil
}

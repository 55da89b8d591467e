package cli

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/flagz-go/flagz/debug"
	"github.com/flagz-go/flagz/monitoring"
)

// One process's dynamic checksum reads the same on its debug page (16 hex
// digits, and the metric's number beside them), in its presence record as
// flagz status prints it (text and JSON), and in the metric flagz_checksum,
// whose value is the top 53 bits of the same checksum: the number
// Prometheus prints for it is the one the page and status print.
func TestChecksumReadsTheSameEverywhere(t *testing.T) {
	srv, _ := etcd(t)
	eps := []string{srv.Endpoint()}
	p := startProcess(t, eps, processOptions{})
	waitProcesses(t, eps, 1)
	want(t, flagzAt(t, eps, "set", "rate", "42", "--wait"), ExitOK, "1 applied")

	var st statusOutput
	decode(t, flagzAt(t, eps, "status", "-o", "json"), &st)
	if len(st.Processes) != 1 || len(st.Checksums) != 1 {
		t.Fatalf("status -o json = %+v, want one process", st)
	}
	hex, number := st.Processes[0].Checksum, st.Processes[0].ChecksumMetric
	if len(hex) != 16 || number == 0 || st.Checksums[0].Metric != number {
		t.Fatalf("status: checksum %q, metric %d, group %+v", hex, number, st.Checksums[0])
	}
	decimal := strconv.FormatUint(number, 10)
	want(t, flagzAt(t, eps, "status"), ExitOK, "checksum "+hex+" (metric "+decimal+")")

	page := httptest.NewServer(debug.NewHandler(p.fs, debug.WithLogger(slog.New(slog.DiscardHandler))))
	t.Cleanup(page.Close)
	html := httpGet(t, page.URL, "text/html")
	for _, w := range []string{`id="checksum-dynamic">` + hex + `<`, `id="checksum-dynamic-metric">` + decimal + `<`} {
		if !strings.Contains(html, w) {
			t.Errorf("the page lacks %s", w)
		}
	}
	js := httpGet(t, page.URL+"?format=json", "application/json")
	for _, w := range []string{`"dynamic":"` + hex + `"`, `"dynamic_metric":` + decimal + `,`} {
		if !strings.Contains(strings.ReplaceAll(js, " ", ""), w) {
			t.Errorf("the page's JSON lacks %s", w)
		}
	}

	reg := prometheus.NewRegistry()
	if _, err := monitoring.Register(reg, p.fs); err != nil {
		t.Fatal(err)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, mf := range mfs {
		if mf.GetName() != "flagz_checksum" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "kind" && l.GetValue() == "dynamic" {
					// As Prometheus' query API and count_values print it.
					got = append(got, strconv.FormatFloat(m.GetGauge().GetValue(), 'f', -1, 64))
				}
			}
		}
	}
	if len(got) != 1 || got[0] != decimal {
		t.Errorf("flagz_checksum{kind=dynamic} reads %v, want %s (the top 53 bits of %s)", got, decimal, hex)
	}
}

func httpGet(t *testing.T, url, accept string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", accept)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatal(fmt.Errorf("GET %s: %d, %w", url, resp.StatusCode, err))
	}
	return string(body)
}

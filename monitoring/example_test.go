package monitoring_test

import (
	"bufio"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/pflag"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/monitoring"
)

// Export a flag set's metrics on a registry of the program's own, served at
// /metrics.
func ExampleRegister() {
	fs := pflag.NewFlagSet("server", pflag.ContinueOnError)
	flagz.DynInt64(fs, "rate", 100, "requests per second")

	reg := prometheus.NewRegistry()
	if _, err := monitoring.Register(reg, fs); err != nil {
		fmt.Println(err)
		return
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	flagz.EngineFor(fs).Source("etcd", discard).Update(7, map[string]string{"rate": "250"})

	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	scanner := bufio.NewScanner(resp.Body)
	for scanner.Scan() {
		if line := scanner.Text(); strings.HasPrefix(line, "flagz_updates_total") || strings.HasPrefix(line, "flagz_source_state") {
			fmt.Println(line)
		}
	}
	// Output:
	// flagz_source_state{set="server",source="etcd",state="CONNECTING"} 1
	// flagz_source_state{set="server",source="etcd",state="DEGRADED"} 0
	// flagz_source_state{set="server",source="etcd",state="SERVING"} 0
	// flagz_source_state{set="server",source="etcd",state="STOPPED"} 0
	// flagz_updates_total{flag="rate",result="applied",set="server",source="etcd"} 1
}

// The checksum is exported as a number: equal numbers mean equal values.
// In PromQL, count_values groups processes by it:
//
//	count_values by (set) ("checksum", flagz_checksum{kind="dynamic"})
func ExampleChecksumValue() {
	fs := pflag.NewFlagSet("server", pflag.ContinueOnError)
	flagz.DynInt64(fs, "rate", 100, "requests per second")
	sum := flagz.EngineFor(fs).DynamicChecksum()
	fmt.Println(monitoring.ChecksumValue(sum) == float64(sum>>11))
	// Output: true
}

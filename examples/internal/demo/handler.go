package demo

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/flagz-go/flagz/debug"
	"github.com/flagz-go/flagz/monitoring"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/pflag"
)

// Handler returns the whole demo: the service (NewService), GET /healthz, the
// /debug/flagz page of fs with its setter open to loopback callers only
// (LoopbackOnly), and /metrics served from a registry of its own.
func Handler(fs *pflag.FlagSet, f *Flags, logger *slog.Logger) (http.Handler, error) {
	mux := http.NewServeMux()
	mux.Handle("/", NewService(f, logger))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok\n")) // for Kubernetes probes: never rate limited
	})

	debug.Register(mux, fs, debug.WithSetter(LoopbackOnly), debug.WithLogger(logger))

	reg := prometheus.NewRegistry()
	if _, err := monitoring.Register(reg, fs); err != nil {
		return nil, fmt.Errorf("register flagz metrics: %w", err)
	}
	if err := reg.Register(collectors.NewGoCollector()); err != nil {
		return nil, fmt.Errorf("register Go metrics: %w", err)
	}
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	return mux, nil
}

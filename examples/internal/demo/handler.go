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

// Handler returns the whole demo on one handler: the service and GET
// /healthz (ServiceHandler), GET /openfeature (the flags read through an
// OpenFeature client), beside the operators' endpoints (AdminHandler).
func Handler(fs *pflag.FlagSet, f *Flags, logger *slog.Logger) (http.Handler, error) {
	mux := http.NewServeMux()
	handleService(mux, f, logger)
	if err := handleOpenFeature(mux, fs, logger); err != nil {
		return nil, err
	}
	if err := handleAdmin(mux, fs, logger); err != nil {
		return nil, err
	}
	return mux, nil
}

// ServiceHandler returns what the demo's users reach: the service
// (NewService) and GET /healthz, for probes.
func ServiceHandler(f *Flags, logger *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	handleService(mux, f, logger)
	return mux
}

// AdminHandler returns what only operators may reach: the /debug/flagz page
// of fs with its setter open to loopback callers only (LoopbackOnly), and
// /metrics served from a registry of its own. Serve it on an address the
// service's users cannot reach.
func AdminHandler(fs *pflag.FlagSet, logger *slog.Logger) (http.Handler, error) {
	mux := http.NewServeMux()
	if err := handleAdmin(mux, fs, logger); err != nil {
		return nil, err
	}
	return mux, nil
}

func handleService(mux *http.ServeMux, f *Flags, logger *slog.Logger) {
	mux.Handle("/", NewService(f, logger))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok\n")) // for Kubernetes probes: never rate limited
	})
}

func handleAdmin(mux *http.ServeMux, fs *pflag.FlagSet, logger *slog.Logger) error {
	debug.Register(mux, fs, debug.WithSetter(LoopbackOnly), debug.WithLogger(logger))

	reg := prometheus.NewRegistry()
	if _, err := monitoring.Register(reg, fs); err != nil {
		return fmt.Errorf("register flagz metrics: %w", err)
	}
	if err := reg.Register(collectors.NewGoCollector()); err != nil {
		return fmt.Errorf("register Go metrics: %w", err)
	}
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	return nil
}

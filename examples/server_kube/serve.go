package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/flagz-go/flagz/examples/internal/demo"
	"github.com/spf13/pflag"
)

// Static flags: set on the command line, or by the ConfigMap at start-up
// only.
var (
	listen = pflag.String("listen", ":8080",
		"address to serve the service on (GET /, /route/, /healthz); 127.0.0.1:0 picks a free loopback port")
	adminListen = pflag.String("admin-listen", "127.0.0.1:9090",
		"address to serve the operators' endpoints on (/debug/flagz, its setter, /metrics): keep it "+
			"out of reach of the service's users; in a pod, loopback is reached with kubectl port-forward")
	source = pflag.String("source", sourceDir,
		"where the ConfigMap comes from: dir (mounted volume) or api (Kubernetes API, needs RBAC)")
	dir = pflag.String("dir", "/etc/flagz",
		"dir: the directory the ConfigMap is mounted at")
	namespace = pflag.String("namespace", "",
		"api: namespace of the ConfigMap; empty: the pod's own")
	configMap = pflag.String("configmap", "flagz-demo",
		"api: name of the ConfigMap")
	kubeconfig = pflag.String("kubeconfig", "",
		"api: kubeconfig file, to run outside the cluster; empty: the pod's service account")
)

// Dynamic flags, also settable on the command line as starting values.
var flags = demo.DeclareFlags(pflag.CommandLine)

// runServe runs the demo until SIGINT or SIGTERM.
func runServe(args []string, out io.Writer) (err error) {
	pflag.CommandLine.Init("server_kube", pflag.ContinueOnError)
	if err := pflag.CommandLine.Parse(args); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	src, what, err := newSource(pflag.CommandLine, sourceConfig{
		kind: *source, dir: *dir, namespace: *namespace, configMap: *configMap, kubeconfig: *kubeconfig,
	}, logger)
	if err != nil {
		return err
	}
	// Initialize loads the ConfigMap once: static flags may be set only now.
	report, err := src.Initialize(ctx)
	switch {
	case err != nil && *source == sourceAPI:
		return fmt.Errorf("read the ConfigMap: %w", err)
	case err != nil:
		// A directory that is missing or unreadable: the flags keep their
		// defaults and Start keeps following it.
		logger.Warn("first read of the ConfigMap directory", "dir", *dir, "err", err)
	case report.Err() != nil:
		// Refused values: those flags keep their defaults, the rest apply.
		logger.Warn("some values in the ConfigMap were refused; the flags keep their defaults", "err", report.Err())
	}
	if err := src.Start(ctx); err != nil {
		return err
	}
	defer src.Stop()

	admin, err := demo.AdminHandler(pflag.CommandLine, logger)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	adminLn, err := net.Listen("tcp", *adminListen)
	if err != nil {
		ln.Close()
		return fmt.Errorf("--admin-listen: %w", err)
	}
	printBanner(out, demo.BaseURL(ln), demo.BaseURL(adminLn), what)
	if err := serveBoth(ctx, ln, demo.ServiceHandler(flags, logger), adminLn, admin, logger); err != nil {
		return err
	}
	logger.Info("servers closed; stopping the ConfigMap source")
	return nil
}

// serveBoth serves the service on ln and the operators' endpoints on
// adminLn until ctx is done or one of them fails, which stops the other.
func serveBoth(ctx context.Context, ln net.Listener, service http.Handler, adminLn net.Listener, admin http.Handler, logger *slog.Logger) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	adminDone := make(chan error, 1)
	go func() {
		err := demo.Serve(ctx, adminLn, admin, logger)
		cancel()
		adminDone <- err
	}()
	err := demo.Serve(ctx, ln, service, logger)
	cancel()
	return errors.Join(err, <-adminDone)
}

// printBanner prints the URLs and how to change a flag.
func printBanner(out io.Writer, baseURL, adminURL, what string) {
	fmt.Fprintf(out, "\nflagz demo: a service whose behaviour follows dynamic flags kept in a ConfigMap.\n\n")
	demo.PrintEndpoints(out, baseURL, adminURL)
	fmt.Fprintf(out, "  flags from  %s\n\n", what)
	demo.PrintTryIt(out, baseURL)
	fmt.Fprintf(out, "Change a flag while it runs (each change is logged as it lands):\n\n")
	switch *source {
	case sourceAPI:
		fmt.Fprintf(out, "  kubectl -n %s patch configmap %s --type merge -p '{\"data\":{\"%s\":\"hello\"}}'\n\n",
			nsOrPod(*namespace), *configMap, demo.FlagGreeting)
	default:
		fmt.Fprintf(out, "  in a pod:  kubectl patch configmap <name> --type merge -p '{\"data\":{\"%s\":\"hello\"}}'\n", demo.FlagGreeting)
		fmt.Fprintf(out, "             (the kubelet refreshes the mounted files within about a minute)\n")
		fmt.Fprintf(out, "  locally:   echo hello > %s/%s\n\n", *dir, demo.FlagGreeting)
	}
	demo.PrintSetter(out, adminURL)
	demo.PrintReady(out)
}

func nsOrPod(ns string) string {
	if ns == "" {
		return "<namespace>"
	}
	return ns
}

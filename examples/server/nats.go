package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/pflag"

	"github.com/flagz-go/flagz/examples/internal/demo"
	"github.com/flagz-go/flagz/natskv"
)

// The demo on NATS JetStream key-value instead of etcd (--nats).
var (
	useNATS = pflag.Bool("nats", false,
		"keep the flags in a NATS JetStream key-value bucket instead of etcd (the flagz command and presence stay etcd-only)")
	natsURL = pflag.String("nats-url", "",
		"NATS server URLs of a real deployment; empty starts an embedded nats-server with JetStream on loopback")
	natsBucket = pflag.String("nats-bucket", "flagz_demo",
		"key-value bucket of the flags (created if missing): key <flag-name> holds the flag's value")
)

// runNATS runs the demo over a NATS bucket until ctx ends.
func runNATS(ctx context.Context, logger *slog.Logger, out io.Writer) error {
	url, embedded := *natsURL, *natsURL == ""
	if embedded {
		srv, dir, err := startNATS()
		if err != nil {
			return err
		}
		defer func() { // last: after the source and the connection
			srv.Shutdown()
			srv.WaitForShutdown()
			os.RemoveAll(dir)
		}()
		url = srv.ClientURL()
		logger.Info("embedded nats-server started", "url", url, "store_dir", dir)
	}
	nc, err := nats.Connect(url, nats.MaxReconnects(-1))
	if err != nil {
		return fmt.Errorf("connect to NATS %s: %w", url, err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := js.CreateOrUpdateKeyValue(cctx, jetstream.KeyValueConfig{Bucket: *natsBucket, History: 10}); err != nil {
		return fmt.Errorf("bucket %s: %w", *natsBucket, err)
	}
	s, err := natskv.New(pflag.CommandLine, js, *natsBucket, natskv.WithLogger(logger))
	if err != nil {
		return err
	}
	if report, err := s.Initialize(ctx); err != nil {
		return fmt.Errorf("read flags from NATS: %w", err)
	} else if err := report.Err(); err != nil {
		logger.Warn("some values in NATS were refused; the flags keep their defaults", "err", err)
	}
	if err := s.Start(ctx); err != nil {
		return err
	}
	defer s.Stop() // before nc.Close: it ends the watch

	handler, err := demo.Handler(pflag.CommandLine, flags, logger)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("%w (is another demo running? --listen=127.0.0.1:0 picks a free port)", err)
	}
	printNATSBanner(out, demo.BaseURL(ln), url, embedded)
	return demo.Serve(ctx, ln, handler, logger)
}

// startNATS starts a nats-server with JetStream on a free loopback port,
// storing in a new temporary directory.
func startNATS() (*server.Server, string, error) {
	dir, err := os.MkdirTemp("", "flagz-demo-nats-")
	if err != nil {
		return nil, "", err
	}
	srv, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: dir, NoLog: true, NoSigs: true})
	if err != nil {
		os.RemoveAll(dir)
		return nil, "", err
	}
	go srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		os.RemoveAll(dir)
		return nil, "", fmt.Errorf("the embedded nats-server did not start")
	}
	return srv, dir, nil
}

// printNATSBanner prints where everything is and how to change a flag.
func printNATSBanner(out io.Writer, baseURL, url string, embedded bool) {
	where := "your deployment"
	if embedded {
		where = "embedded in this process; its data is removed on exit"
	}
	p := func(format string, args ...any) { fmt.Fprintf(out, format+"\n", args...) }
	p("")
	p("flagz demo: a service whose behaviour follows dynamic flags kept in a NATS JetStream key-value bucket.")
	p("")
	demo.PrintEndpoints(out, baseURL, baseURL)
	p("  nats        %s  (%s)", url, where)
	p("  bucket      %s  (key <flag-name>, see docs/nats.md for names a key cannot hold)", *natsBucket)
	p("")
	demo.PrintTryIt(out, baseURL)
	p("Change a flag while it runs with the nats command (github.com/nats-io/natscli):")
	p("")
	p("  nats --server %s kv put %s %s 'hello, world'", url, *natsBucket, demo.FlagGreeting)
	p("  nats --server %s kv put %s %s 1        # then curl / twice: 429", url, *natsBucket, demo.FlagRateLimit)
	p("  nats --server %s kv put %s %s 0        # refused, and rolled back in the bucket", url, *natsBucket, demo.FlagRateLimit)
	p("  nats --server %s kv del %s %s          # back to the default", url, *natsBucket, demo.FlagGreeting)
	p("")
	demo.PrintSetter(out, baseURL)
	demo.PrintReady(out)
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/examples/internal/demo"
	"github.com/flagz-go/flagz/examples/internal/embedetcd"
	"github.com/flagz-go/flagz/watcher"
	"github.com/spf13/pflag"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// DefaultPrefix is the etcd prefix the demo's flags live under.
const DefaultPrefix = "/flagz/demo"

// Static flags: set on the command line, or by etcd at start-up only.
var (
	listen = pflag.String("listen", "127.0.0.1:8080",
		"address to serve on; 127.0.0.1:0 picks a free port")
	etcdEndpoints = pflag.StringSlice("etcd-endpoints", nil,
		"etcd client URLs of a real cluster; empty starts an embedded etcd on loopback")
	etcdPrefix = pflag.String("etcd-prefix", DefaultPrefix,
		"etcd prefix of the flags: key <prefix>/<flag-name> holds the flag's value")
	etcdRollback = pflag.Bool("etcd-rollback", true,
		"roll back in etcd a value this process refuses; turn it off when processes may disagree on what is "+
			"valid (a stricter --rate-limit-max): the value then stays for the processes that take it")
	presenceTTL = pflag.Duration("presence-ttl", 5*time.Second,
		"lease of this process's presence record (what flagz ls, status and --wait read): "+
			"a process killed without stopping disappears from them this long after")
	unhealthyAbove = pflag.Int64("unhealthy-above", 3,
		"report this process unhealthy in its presence record (which halts a flagz canary) while its rate limiter "+
			"refused more than this many requests in the last 10s; 0: never")
	rateLimitMax = pflag.Int64("rate-limit-max", demo.MaxRateLimit,
		"largest rate_limit this process accepts; a second demo with a smaller one shows flagz set refusing, "+
			"and --wait reporting the process that rejects")
)

// Dynamic flags: demo.DeclareFlags puts them on the command line too, so
// `--greeting=hi` works as a starting value.
var flags = demo.DeclareFlags(pflag.CommandLine)

// runServe runs the demo until SIGINT or SIGTERM.
func runServe(args []string, out io.Writer) (err error) {
	pflag.CommandLine.Init("server", pflag.ContinueOnError)
	pflag.Usage = usage
	if err := pflag.CommandLine.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil
		}
		return err
	}
	if *rateLimitMax < 1 || *rateLimitMax > demo.MaxRateLimit {
		return fmt.Errorf("--rate-limit-max=%d: want 1..%d", *rateLimitMax, demo.MaxRateLimit)
	}
	if *rateLimitMax < demo.MaxRateLimit {
		flags.RateLimit.WithFieldValidator(demo.FlagRateLimit, flagz.ValidateDynInt64Range(1, *rateLimitMax))
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	defer func() {
		if err != nil && ctx.Err() != nil {
			logger.Info("interrupted while starting", "err", err)
			err = nil // a signal is not a failure
		}
	}()
	if *useNATS {
		return runNATS(ctx, logger, out) // nats.go
	}

	endpoints, embedded := *etcdEndpoints, false
	if len(endpoints) == 0 {
		etcd, err := embedetcd.Start(ctx)
		if err != nil {
			return err
		}
		defer etcd.Close() // last: after the watcher and the client
		logger.Info("embedded etcd started", "endpoint", etcd.Endpoint(), "data_dir", etcd.Dir())
		endpoints, embedded = []string{etcd.Endpoint()}, true
	}

	client, err := clientv3.New(clientv3.Config{
		Endpoints:   endpoints,
		DialTimeout: 5 * time.Second,
		Logger:      zap.NewNop(), // the watcher reports etcd's health through slog
	})
	if err != nil {
		return fmt.Errorf("etcd client for %v: %w", endpoints, err)
	}
	defer client.Close()

	w, err := watcher.New(pflag.CommandLine, client, *etcdPrefix, watcher.WithLogger(logger),
		watcher.WithPresence(), watcher.WithPresenceTTL(*presenceTTL), watcher.WithRollback(*etcdRollback),
		watcher.WithHealth(demo.Health(*unhealthyAbove)), watcher.WithHealthInterval(250*time.Millisecond))
	if err != nil {
		return err
	}
	// Initialize reads every key once: static flags (--listen too) may be
	// set from etcd only now. Refused values are logged by the engine.
	if report, err := w.Initialize(ctx); err != nil {
		return fmt.Errorf("read flags from etcd %v: %w", endpoints, err)
	} else if err := report.Err(); err != nil {
		logger.Warn("some values in etcd were refused; the flags keep their defaults", "err", err)
	}
	if err := w.Start(ctx); err != nil {
		return err
	}
	defer w.Stop() // before client.Close and etcd.Close: it ends the watch

	handler, err := demo.Handler(pflag.CommandLine, flags, logger)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("%w (is another demo running? --listen=127.0.0.1:0 picks a free port)", err)
	}
	printBanner(out, banner{
		baseURL:   demo.BaseURL(ln),
		endpoints: endpoints,
		embedded:  embedded,
		prefix:    *etcdPrefix,
	})
	if err := demo.Serve(ctx, ln, handler, logger); err != nil {
		return err
	}
	logger.Info("server closed; stopping the watcher, the etcd client and etcd")
	return nil
}

// usage prints the command line.
func usage() {
	fmt.Fprintf(os.Stderr, `usage: server [flags]

Runs the demo (an embedded etcd unless --etcd-endpoints). The flagz command
(cmd/flagz) changes its flags in etcd: flagz ls, set, del, status.

Flags of the demo (dynamic ones take a starting value; etcd overrides it):

%s`, pflag.CommandLine.FlagUsages())
}

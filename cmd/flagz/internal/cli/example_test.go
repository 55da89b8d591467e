package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"log/slog"
	"strings"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/cmd/flagz/internal/cli"
	"github.com/flagz-go/flagz/watcher"
	"github.com/flagz-go/flagz/watcher/etcdtest"
	"github.com/flagz-go/flagz/watcher/presence"
	"github.com/spf13/pflag"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// A service publishing its presence, and the flagz command: pre-flight
// refuses a value out of the flag's range before anything is written; a
// good value is written, and set waits until the service reports it
// applied.
func ExampleRun() {
	srv, err := etcdtest.New() // a real etcd on loopback
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client, err := clientv3.New(clientv3.Config{Endpoints: srv.Endpoints(), DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	// The service: one dynamic flag, a watcher with presence.
	fs := pflag.NewFlagSet("web", pflag.ContinueOnError)
	rate := flagz.DynInt64(fs, "rate", 100, "requests per second").
		WithValidator(flagz.ValidateDynInt64Range(1, 10_000))
	w, err := watcher.New(fs, client, "/web/flags", watcher.WithLogger(slog.New(slog.DiscardHandler)),
		watcher.WithPresence(), watcher.WithPresenceID("web-1"))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if _, err := w.Initialize(ctx); err != nil {
		log.Fatal(err)
	}
	if err := w.Start(ctx); err != nil {
		log.Fatal(err)
	}
	defer w.Stop()
	// The record is written in the background: wait until it is there.
	for recs, _, _ := presence.List(ctx, client, "/web/flags"); len(recs) == 0; recs, _, _ = presence.List(ctx, client, "/web/flags") {
		time.Sleep(10 * time.Millisecond)
	}

	// The operator.
	flagz := func(args ...string) string {
		var out bytes.Buffer
		args = append(args, "--endpoints="+srv.Endpoint(), "--prefix=/web/flags")
		code := cli.Run(ctx, args, &out, &out)
		var lines []string
		for _, line := range strings.Split(out.String(), "\n") {
			if strings.Contains(line, "web-1") || strings.HasPrefix(line, "refused") {
				lines = append(lines, strings.Join(strings.Fields(line), " "))
			}
		}
		return fmt.Sprintf("exit %d: %s", code, strings.Join(lines, "; "))
	}
	fmt.Println(flagz("set", "rate", "50000"))
	fmt.Println(flagz("set", "rate", "500"))
	fmt.Println("rate:", rate.Get())
	// Output:
	// exit 1: refused: flag "rate": value "50000" refused: not in range [1, 10000] (1 of 1 processes: web-1)
	// exit 0: web-1 applied
	// rate: 500
}

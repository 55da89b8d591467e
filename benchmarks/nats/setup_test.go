package nats

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/pflag"

	"github.com/flagz-go/flagz/natskv"
)

const bucket = "bench"

// quiet drops flagz's audit log (one line per change): the raw watcher
// logs nothing either.
var quiet = slog.New(slog.DiscardHandler)

// newServer starts an embedded nats-server with JetStream on a loopback
// port chosen at run time, storing under a temporary directory, and
// returns its URL and a bucket made on it.
func newServer(b *testing.B) (string, jetstream.KeyValue) {
	b.Helper()
	srv, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true,
		StoreDir: b.TempDir(), NoLog: true, NoSigs: true})
	if err != nil {
		b.Fatal(err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		b.Fatal("nats-server not ready")
	}
	b.Cleanup(func() {
		srv.Shutdown()
		srv.WaitForShutdown()
	})
	kv, err := connect(b, srv.ClientURL()).CreateKeyValue(context.Background(),
		jetstream.KeyValueConfig{Bucket: bucket, History: 10})
	if err != nil {
		b.Fatal(err)
	}
	return srv.ClientURL(), kv
}

// connect opens a connection of its own, closed when the benchmark ends.
func connect(b *testing.B, url string) jetstream.JetStream {
	b.Helper()
	nc, err := nats.Connect(url, nats.MaxReconnects(-1))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		b.Fatal(err)
	}
	return js
}

func flagName(i int) string { return fmt.Sprintf("f%05d", i) }

// putAll writes n flags f00000… with value(i).
func putAll(b *testing.B, kv jetstream.KeyValue, n int, value func(i int) string) {
	b.Helper()
	for i := range n {
		if _, err := kv.Put(context.Background(), flagName(i), []byte(value(i))); err != nil {
			b.Fatal(err)
		}
	}
}

// startSource initializes and starts a source of the bucket on fs.
func startSource(b *testing.B, fs *pflag.FlagSet, js jetstream.JetStream) *natskv.Source {
	b.Helper()
	s, err := natskv.New(fs, js, bucket, natskv.WithLogger(quiet))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.Initialize(context.Background()); err != nil {
		b.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(s.Stop)
	return s
}

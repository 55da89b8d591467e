package realnats_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/flagz-go/flagz/internal/wait"
)

const bucket = "flags"

// waitTimeout bounds every wait for a condition: generous, for a slow
// machine under the race detector.
const waitTimeout = 60 * time.Second

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	wait.Until(t, waitTimeout, what, cond)
}

// natsServer is an embedded nats-server with JetStream, on a loopback port
// chosen when it first starts and kept across restarts, storing under a
// temporary directory it keeps too.
type natsServer struct {
	opts server.Options
	srv  *server.Server
}

func startServer(t *testing.T) *natsServer {
	t.Helper()
	s := &natsServer{opts: server.Options{Host: "127.0.0.1", Port: -1, JetStream: true,
		StoreDir: t.TempDir(), NoLog: true, NoSigs: true}}
	s.start(t)
	s.opts.Port = s.srv.Addr().(*net.TCPAddr).Port
	t.Cleanup(s.shutdown)
	return s
}

func (s *natsServer) start(t *testing.T) {
	t.Helper()
	opts := s.opts // the server keeps and changes what it is given
	srv, err := server.NewServer(&opts)
	if err != nil {
		t.Fatal(err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(waitTimeout) {
		t.Fatal("nats-server not ready")
	}
	s.srv = srv
}

// restart stops the server and starts it again on the same port and store.
func (s *natsServer) restart(t *testing.T) {
	t.Helper()
	s.shutdown()
	s.start(t)
}

func (s *natsServer) shutdown() {
	s.srv.Shutdown()
	s.srv.WaitForShutdown()
}

func (s *natsServer) url() string { return fmt.Sprintf("nats://127.0.0.1:%d", s.opts.Port) }

// connect opens a connection that reconnects for ever, quickly, and closes
// it when the test ends.
func connect(t *testing.T, urls string) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, err := nats.Connect(urls, nats.MaxReconnects(-1), nats.ReconnectWait(20*time.Millisecond),
		nats.ReconnectJitter(0, 0), nats.NoCallbacksAfterClientClose())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return nc, js
}

// createBucket makes the bucket the sources read, keeping history values
// of each key.
func createBucket(t *testing.T, js jetstream.JetStream, history uint8, replicas int) jetstream.KeyValue {
	t.Helper()
	kv, err := js.CreateKeyValue(ctxT(t), jetstream.KeyValueConfig{Bucket: bucket, History: history, Replicas: replicas})
	if err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	return kv
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	t.Cleanup(cancel)
	return ctx
}

// put writes key and returns its revision.
func put(t *testing.T, kv jetstream.KeyValue, key, value string) uint64 {
	t.Helper()
	rev, err := kv.Put(ctxT(t), key, []byte(value))
	if err != nil {
		t.Fatalf("put %s=%s: %v", key, value, err)
	}
	return rev
}

func quietLogger() *slog.Logger {
	if os.Getenv("NATSKV_DEBUG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.DiscardHandler)
}

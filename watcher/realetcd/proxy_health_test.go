package realetcd_test

import (
	"testing"
	"time"

	"github.com/flagz-go/flagz/watcher"
	"github.com/flagz-go/flagz/watcher/etcdtest"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// grpcProxy starts etcd's own gRPC proxy in front of srv and returns a
// client connected through it.
func grpcProxy(t *testing.T, srv *etcdtest.Server) *clientv3.Client {
	t.Helper()
	url, stop, err := etcdtest.StartGRPCProxy(srv.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{url},
		DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cli.Close() })
	return cli
}

// etcd's gRPC proxy drops progress requests. Behind it, writes elsewhere
// in etcd (presence records, other services) move the revision past what
// the prefix delivered; the watcher must still stay SERVING, with no
// relist and no warning, and keep following.
func TestBehindGRPCProxyStaysServing(t *testing.T) {
	srv := etcdtest.Start(t)
	direct := srv.Client(t)
	put(t, direct, "rate", "250")
	put(t, direct, "nosuch", "1")
	cli := grpcProxy(t, srv)
	f := newTestFlags()
	logs := &logRecorder{}
	w, _ := startWatcher(t, f.fs, cli,
		watcher.WithLogger(slogTo(logs)),
		watcher.WithHealthCheck(healthInterval, healthTimeout),
		watcher.WithBackoff(10*time.Millisecond, 200*time.Millisecond),
		watcher.WithPresence(), watcher.WithPresenceID("behind-proxy"))

	writeElsewhere(t, direct, w)
	stayServing(t, w, logs, 40)

	put(t, direct, "rate", "300")
	eventually(t, "rate = 300 through the proxy", func() bool { return f.rate.Get() == 300 })
	del(t, direct, "rate")
	eventually(t, "rate back to its default through the proxy", func() bool { return f.rate.Get() == newTestFlags().rate.Get() })
	writeElsewhere(t, direct, w)
	stayServing(t, w, logs, 20)
}

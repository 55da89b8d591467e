package etcdtest_test

import (
	"context"
	"testing"
	"time"

	"github.com/flagz-go/flagz/watcher/etcdtest"
	clientv3 "go.etcd.io/etcd/client/v3"
)

func put(t *testing.T, cli *clientv3.Client, key, value string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := cli.Put(ctx, key, value); err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
}

func get(t *testing.T, cli *clientv3.Client, key string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := cli.Get(ctx, key)
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	if len(resp.Kvs) == 0 {
		return ""
	}
	return string(resp.Kvs[0].Value)
}

func TestRestartKeepsDataAndPorts(t *testing.T) {
	srv := etcdtest.Start(t)
	endpoint := srv.Endpoint()
	cli := srv.Client(t)
	put(t, cli, "k", "v1")

	srv.Stop()
	srv.Stop() // a second Stop does nothing
	if srv.Running() {
		t.Fatal("Running after Stop")
	}
	srv.Restart()
	if srv.Endpoint() != endpoint {
		t.Fatalf("endpoint changed: %s -> %s", endpoint, srv.Endpoint())
	}
	if got := get(t, cli, "k"); got != "v1" {
		t.Fatalf("after restart k = %q, want v1", got)
	}
}

func TestProxyCutAndRestore(t *testing.T) {
	srv := etcdtest.Start(t)
	p := etcdtest.NewProxy(t, srv)
	cli := etcdtest.NewClient(t, p.Endpoint())
	put(t, cli, "k", "v1")

	p.Cut()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	_, err := cli.Get(ctx, "k")
	cancel()
	if err == nil {
		t.Fatal("Get through a cut proxy succeeded")
	}
	p.Restore()
	if got := get(t, cli, "k"); got != "v1" {
		t.Fatalf("after restore k = %q, want v1", got)
	}
}

func TestClusterSurvivesLeaderStop(t *testing.T) {
	c := etcdtest.StartCluster(t, 3)
	cli := c.Client(t)
	put(t, cli, "k", "v1")
	old := c.Leader(t)
	old.Stop()
	next := c.Leader(t)
	if next == old {
		t.Fatal("stopped member still leads")
	}
	put(t, cli, "k", "v2")
	if got := get(t, cli, "k"); got != "v2" {
		t.Fatalf("k = %q, want v2", got)
	}
}

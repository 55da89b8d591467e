package embedetcd

import (
	"context"
	"os"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

func TestStartPutGetClose(t *testing.T) {
	ctx := t.Context()
	s, err := Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{s.Endpoint()}, DialTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	reqCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := cli.Put(reqCtx, "/k", "v"); err != nil {
		t.Fatal(err)
	}
	resp, err := cli.Get(reqCtx, "/k")
	if err != nil || len(resp.Kvs) != 1 || string(resp.Kvs[0].Value) != "v" {
		t.Fatalf("get /k = %v, %v", resp, err)
	}
	cli.Close()

	s.Close()
	s.Close() // idempotent
	if _, err := os.Stat(s.Dir()); !os.IsNotExist(err) {
		t.Errorf("data directory %s still there after Close: %v", s.Dir(), err)
	}
}

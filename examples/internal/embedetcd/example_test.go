package embedetcd_test

import (
	"context"
	"fmt"
	"time"

	"github.com/flagz-go/flagz/examples/internal/embedetcd"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// Start an etcd for a demo, talk to it like any cluster, close the client
// before the server.
func ExampleStart() {
	ctx := context.Background()
	etcd, err := embedetcd.Start(ctx)
	if err != nil {
		panic(err)
	}
	defer etcd.Close()

	client, err := clientv3.New(clientv3.Config{
		Endpoints: []string{etcd.Endpoint()}, DialTimeout: 5 * time.Second, Logger: zap.NewNop(),
	})
	if err != nil {
		panic(err)
	}
	defer client.Close()

	if _, err := client.Put(ctx, "/flagz/demo/greeting", "hello"); err != nil {
		panic(err)
	}
	resp, err := client.Get(ctx, "/flagz/demo/greeting")
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s\n", resp.Kvs[0].Value)
	// Output: hello
}

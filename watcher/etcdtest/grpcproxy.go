package etcdtest

import (
	"context"
	"fmt"
	"net"
	"time"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/server/v3/proxy/grpcproxy"
	"go.uber.org/zap"
	"google.golang.org/grpc"
)

// StartGRPCProxy serves etcd's own gRPC proxy (the KV, watch and lease
// services the watcher and its presence use) on a loopback port in front
// of endpoint, as `etcd grpc-proxy start` does, and returns its URL and a
// func that stops it. The proxy coalesces the watches of identical key
// ranges into few watches on the server, and answers no progress request.
func StartGRPCProxy(endpoint string) (url string, stop func(), err error) {
	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{endpoint},
		DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		return "", nil, fmt.Errorf("etcdtest: proxy client: %w", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cli.Close()
		return "", nil, fmt.Errorf("etcdtest: proxy listen: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	kvp, _ := grpcproxy.NewKvProxy(cli)
	wp, _ := grpcproxy.NewWatchProxy(ctx, zap.NewNop(), cli)
	lp, _ := grpcproxy.NewLeaseProxy(ctx, cli)
	gs := grpc.NewServer()
	pb.RegisterKVServer(gs, kvp)
	pb.RegisterWatchServer(gs, wp)
	pb.RegisterLeaseServer(gs, lp)
	go func() { _ = gs.Serve(l) }()
	stop = func() {
		cancel()
		gs.Stop()
		cli.Close()
	}
	return "http://" + l.Addr().String(), stop, nil
}

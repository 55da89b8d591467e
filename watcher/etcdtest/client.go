package etcdtest

import (
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
)

// NewClient returns a client of endpoints that reconnects quickly after a
// failure (gRPC's default waits up to two minutes between attempts), and
// closes it when the test ends, before the servers stop.
func NewClient(t testing.TB, endpoints ...string) *clientv3.Client {
	t.Helper()
	return NewClientWith(t, nil, endpoints...)
}

// NewClientWith is NewClient with more gRPC dial options: an interceptor
// that holds or inspects the client's requests, say.
func NewClientWith(t testing.TB, dialOptions []grpc.DialOption, endpoints ...string) *clientv3.Client {
	t.Helper()
	cli, err := clientv3.New(clientv3.Config{
		Endpoints:   endpoints,
		DialTimeout: 5 * time.Second,
		Logger:      zap.NewNop(),
		DialOptions: append([]grpc.DialOption{grpc.WithConnectParams(grpc.ConnectParams{
			Backoff: backoff.Config{
				BaseDelay:  20 * time.Millisecond,
				Multiplier: 1.6,
				Jitter:     0.2,
				MaxDelay:   200 * time.Millisecond,
			},
			MinConnectTimeout: time.Second,
		})}, dialOptions...),
	})
	if err != nil {
		t.Fatalf("etcdtest: client of %v: %v", endpoints, err)
	}
	t.Cleanup(func() { cli.Close() })
	return cli
}

// Client returns a client of the member, closed when the test ends.
func (s *Server) Client(t testing.TB) *clientv3.Client {
	t.Helper()
	return NewClient(t, s.Endpoint())
}

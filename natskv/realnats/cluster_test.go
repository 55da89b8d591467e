package realnats_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/flagz-go/flagz/record"
)

// cluster starts three embedded servers that form a JetStream cluster, on
// loopback ports chosen at run time.
func cluster(t *testing.T) []*natsServer {
	t.Helper()
	routes := make([]string, 3)
	ports := make([]int, 3)
	for i := range ports {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ports[i] = ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		routes[i] = fmt.Sprintf("nats://127.0.0.1:%d", ports[i])
	}
	servers := make([]*natsServer, 3)
	for i := range servers {
		s := &natsServer{opts: server.Options{ServerName: fmt.Sprintf("n%d", i), Host: "127.0.0.1", Port: -1,
			JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true,
			Cluster: server.ClusterOpts{Name: "flagz", Host: "127.0.0.1", Port: ports[i]},
			Routes:  server.RoutesFromStr(strings.Join(routes, ","))}}
		s.start(t)
		s.opts.Port = s.srv.Addr().(*net.TCPAddr).Port
		t.Cleanup(s.shutdown)
		servers[i] = s
	}
	return servers
}

// A JetStream cluster of three that loses the leader of the bucket's
// stream elects another: the source keeps its values, follows the new
// leader and applies what is written then.
func TestClusterLosesItsLeader(t *testing.T) {
	servers := cluster(t)
	urls := make([]string, len(servers))
	for i, s := range servers {
		urls[i] = s.url()
	}
	_, wjs := connect(t, strings.Join(urls, ","))
	var kv jetstream.KeyValue
	eventually(t, "a bucket of three replicas", func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		var err error
		kv, err = wjs.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: bucket, History: 10, Replicas: 3})
		return err == nil
	})
	put(t, kv, "rate", "20")
	_, js := connect(t, strings.Join(urls, ","))
	f := newTestFlags()
	s := started(t, f.fs, js)

	stream, err := wjs.Stream(ctxT(t), "KV_"+bucket)
	if err != nil {
		t.Fatal(err)
	}
	info, err := stream.Info(ctxT(t))
	if err != nil || info.Cluster == nil {
		t.Fatalf("stream info: %v, %+v", err, info)
	}
	for _, srv := range servers {
		if srv.srv.Name() == info.Cluster.Leader {
			srv.shutdown()
		}
	}
	eventually(t, "a write to the new leader", func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, err := kv.Put(ctx, "rate", []byte("50"))
		return err == nil
	})
	eventually(t, "rate = 50 and SERVING", func() bool { return f.rate.Get() == 50 && s.Status().State == record.StateServing })
}

package realetcd_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/flagz-go/flagz/watcher"
	"github.com/flagz-go/flagz/watcher/etcdtest"
	"go.etcd.io/etcd/api/v3/etcdserverpb"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/goleak"
	"google.golang.org/grpc"
)

// A health check's read that etcd is slow to answer (as under a burst of
// writes: a linearizable read waits until etcd has applied what came
// before it) does not hold up the updates the watch delivers meanwhile:
// they are applied at once, and the check goes on once etcd answers.
func TestSlowHealthCheckReadDoesNotDelayUpdates(t *testing.T) {
	srv := etcdtest.Start(t)
	w, f, cli, gate := watchWithHeldCheck(t, srv)
	put(t, cli, "rate", "300")
	eventually(t, "rate = 300 while the health-check read is held", func() bool { return f.rate.Get() == 300 })

	opened := time.Now()
	gate.open()
	eventually(t, "the held health check confirms etcd current once answered", func() bool {
		return w.Status().LastSync.After(opened)
	})
}

// Stop while a health check's read is held (etcd slow to answer) ends that
// read: Stop returns, a second Stop too, and no goroutine of the check is
// left, though the read's own timeout is far off.
func TestStopWhileHealthCheckReadIsHeldLeavesNoGoroutine(t *testing.T) {
	srv := etcdtest.Start(t)
	before := goleak.IgnoreCurrent()
	w, _, cli, _ := watchWithHeldCheck(t, srv)
	stopTwice(t, w, "while a health-check read was held")
	cli.Close()
	srv.Stop()
	goleak.VerifyNone(t, before)
}

// watchWithHeldCheck starts a watcher of rate = 250 on a client of srv
// whose health-check reads pass through gate, closes the gate and returns
// once a read is held. The request timeout outlasts every wait: the held
// read ends only when the gate opens (at the latest when the test ends,
// before the watcher stops, which waits for it) or the watcher stops.
func watchWithHeldCheck(t *testing.T, srv *etcdtest.Server) (*watcher.Watcher, *testFlags, *clientv3.Client, *readGate) {
	t.Helper()
	gate := &readGate{held: make(chan struct{}, 1)}
	cli := etcdtest.NewClientWith(t, []grpc.DialOption{grpc.WithChainUnaryInterceptor(gate.intercept)}, srv.Endpoint())
	f := newTestFlags()
	put(t, cli, "rate", "250")
	w, _ := startWatcher(t, f.fs, cli, watcher.WithLogger(quietLogger()),
		watcher.WithHealthCheck(50*time.Millisecond, 3*waitTimeout))
	t.Cleanup(gate.open)
	gate.close()
	select {
	case <-gate.held:
	case <-time.After(waitTimeout):
		t.Fatal("no health-check read reached etcd")
	}
	return w, f, cli, gate
}

// readGate holds the watcher's health-check reads (count-only Gets) while
// closed, telling held of each.
type readGate struct {
	mu       sync.Mutex
	closed   bool
	released chan struct{} // closed by open
	held     chan struct{} // capacity 1
}

func (g *readGate) close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed, g.released = true, make(chan struct{})
}

func (g *readGate) open() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		g.closed = false
		close(g.released)
	}
}

// intercept is a gRPC client interceptor that holds count-only reads
// while the gate is closed, or until the request's context ends.
func (g *readGate) intercept(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	if r, ok := req.(*etcdserverpb.RangeRequest); ok && r.CountOnly {
		g.mu.Lock()
		closed, released := g.closed, g.released
		g.mu.Unlock()
		if closed {
			select {
			case g.held <- struct{}{}:
			default:
			}
			select {
			case <-released:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	return invoker(ctx, method, req, reply, cc, opts...)
}

package realnats_test

import (
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/pflag"

	"github.com/flagz-go/flagz/natskv"
	"github.com/flagz-go/flagz/source/sourcetest"
)

func TestConformance(t *testing.T) {
	sourcetest.Run(t, func(t *testing.T) sourcetest.Harness { return newHarness(t) })
}

// harness is a bucket of a real embedded nats-server. Sources reach it
// through a proxy, which Cut closes; the harness writes with its own
// connection, straight to the server.
type harness struct {
	nc     *nats.Conn // the sources' connection
	proxy  *proxy
	writer jetstream.KeyValue
	js     jetstream.JetStream // through the proxy
}

func newHarness(t *testing.T) *harness {
	srv := startServer(t)
	_, wjs := connect(t, srv.url())
	writer := createBucket(t, wjs, 10, 1)
	p := newProxy(t, srv.srv.Addr().String())
	nc, js := connect(t, p.url())
	// The connection makes its request subscription on its first request:
	// make it now, so that its goroutine predates the sources'.
	if _, err := js.AccountInfo(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	return &harness{nc: nc, proxy: p, writer: writer, js: js}
}

// fastOptions make failures visible within a fraction of a second.
func fastOptions(extra ...natskv.Option) []natskv.Option {
	return append([]natskv.Option{natskv.WithLogger(quietLogger()),
		natskv.WithHealthCheck(100*time.Millisecond, time.Second),
		natskv.WithBackoff(10*time.Millisecond, 200*time.Millisecond)}, extra...)
}

func (h *harness) NewSource(t *testing.T, fs *pflag.FlagSet, name string) sourcetest.Source {
	s, err := natskv.New(fs, h.js, bucket, fastOptions(natskv.WithSourceName(name))...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

func (h *harness) Set(t *testing.T, values map[string]string) {
	for name, value := range values {
		put(t, h.writer, natskv.Key(name), value)
	}
}

func (h *harness) Delete(t *testing.T, names ...string) {
	for _, name := range names {
		if err := h.writer.Delete(ctxT(t), natskv.Key(name)); err != nil {
			t.Fatalf("delete %s: %v", name, err)
		}
	}
}

func (h *harness) Cut(t *testing.T)     { h.proxy.Cut() }
func (h *harness) Restore(t *testing.T) { h.proxy.Restore() }
func (h *harness) Hold(t *testing.T)    { h.proxy.Hold() }

// Release waits until the sources' connection is back: a request sent
// while the proxy closed the held connection is lost, and would wait for
// its timeout.
func (h *harness) Release(t *testing.T) {
	before := h.nc.Stats().Reconnects
	h.proxy.Release()
	eventually(t, "the sources' connection back", func() bool {
		return h.nc.Stats().Reconnects > before && h.nc.FlushTimeout(waitTimeout) == nil
	})
}

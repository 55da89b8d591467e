package realetcd_test

import (
	"testing"
	"time"

	"github.com/spf13/pflag"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/flagz-go/flagz/source/sourcetest"
	"github.com/flagz-go/flagz/watcher"
	"github.com/flagz-go/flagz/watcher/etcdtest"
)

func TestConformance(t *testing.T) {
	sourcetest.Run(t, func(t *testing.T) sourcetest.Harness { return newHarness(t) })
}

// The same suite with presence on: publishing the record changes nothing
// a source promises.
func TestConformanceWithPresence(t *testing.T) {
	sourcetest.Run(t, func(t *testing.T) sourcetest.Harness {
		h := newHarness(t)
		h.extra = []watcher.Option{watcher.WithPresence(), watcher.WithPresenceTTL(time.Second)}
		return h
	})
}

// harness is a prefix of a real embedded etcd. Sources reach it through a
// proxy, which Cut closes; the harness writes with its own client, straight
// to the server.
type harness struct {
	proxy  *etcdtest.Proxy
	writer *clientv3.Client
	cli    *clientv3.Client // through the proxy
	extra  []watcher.Option
}

func newHarness(t *testing.T) *harness {
	proxy, writer, cli := proxiedEtcd(t)
	// The client connects on its first request: connect now, so that its
	// connection's goroutines predate the sources'.
	get(t, cli, "warm-up")
	return &harness{proxy: proxy, writer: writer, cli: cli}
}

func (h *harness) NewSource(t *testing.T, fs *pflag.FlagSet, name string) sourcetest.Source {
	opts := []watcher.Option{watcher.WithSourceName(name), watcher.WithLogger(quietLogger()),
		watcher.WithHealthCheck(100*time.Millisecond, time.Second),
		watcher.WithBackoff(10*time.Millisecond, 200*time.Millisecond)}
	w, err := watcher.New(fs, h.cli, prefix, append(opts, h.extra...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	return w
}

func (h *harness) Set(t *testing.T, values map[string]string) {
	for name, value := range values {
		put(t, h.writer, name, value)
	}
}

func (h *harness) Delete(t *testing.T, names ...string) {
	for _, name := range names {
		del(t, h.writer, name)
	}
}

func (h *harness) Cut(t *testing.T)     { h.proxy.Cut() }
func (h *harness) Restore(t *testing.T) { h.proxy.Restore() }
func (h *harness) Hold(t *testing.T)    { h.proxy.Hold() }
func (h *harness) Release(t *testing.T) { h.proxy.Restore() }

package informer_test

import (
	"maps"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/spf13/pflag"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/client-go/rest"

	"github.com/flagz-go/flagz/configmap/informer"
	"github.com/flagz-go/flagz/source/sourcetest"
)

func TestConformance(t *testing.T) {
	sourcetest.Run(t, func(t *testing.T) sourcetest.Harness { return newHarness(t) })
}

// The informer's lifecycle is its runtime's: each method only calls it.
func TestLifecycleIsTheRuntimes(t *testing.T) {
	sourcetest.CheckDelegation(t, ".", "Informer")
}

// harness is a ConfigMap in a namespace of its own on the real API server.
// Sources reach the server through a proxy, which Cut closes; the harness
// writes with its own client, straight to the server.
type harness struct {
	kube   *kube
	proxy  *proxy
	client informer.CoreV1Getter // through the proxy
	http   *http.Client          // the client's connections

	mu     sync.Mutex
	values map[string]string
}

func newHarness(t *testing.T) *harness {
	u, err := url.Parse(server.Config.Host)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{kube: newKube(t), proxy: newProxy(t, u.Host), values: map[string]string{}}
	cfg := rest.CopyConfig(server.Config)
	cfg.Host = "https://" + h.proxy.addr
	h.client, h.http = clientFor(t, cfg)
	h.kube.put("flags", map[string]string{}, nil) // an empty ConfigMap
	return h
}

func (h *harness) NewSource(t *testing.T, fs *pflag.FlagSet, name string) sourcetest.Source {
	inf := newInformer(t, fs, h.client, h.kube.namespace, "flags", informer.WithSourceName(name),
		informer.WithLogger(testLogger(t)), informer.WithBackoff(10*time.Millisecond, 200*time.Millisecond),
		informer.WithSyncTimeout(5*time.Second))
	t.Cleanup(inf.Stop)
	return inf
}

func (h *harness) Set(t *testing.T, values map[string]string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	maps.Copy(h.values, values)
	h.kube.put("flags", maps.Clone(h.values), nil)
}

func (h *harness) Delete(t *testing.T, names ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, n := range names {
		delete(h.values, n)
	}
	h.kube.put("flags", maps.Clone(h.values), nil)
}

// Settle closes the connections of the sources' client once they are idle,
// and waits until the proxy has relayed its last byte.
func (h *harness) Settle(t *testing.T) {
	eventually(t, "the sources' connections closed", func() bool {
		utilnet.CloseIdleConnectionsFor(h.http.Transport) // through client-go's wrappers
		return h.proxy.open() == 0
	})
}

func (h *harness) Cut(t *testing.T)     { h.proxy.cut() }
func (h *harness) Restore(t *testing.T) { h.proxy.restore() }
func (h *harness) Hold(t *testing.T)    { h.proxy.hold() }
func (h *harness) Release(t *testing.T) { h.proxy.release() }

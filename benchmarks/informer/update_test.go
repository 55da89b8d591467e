package informer

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/spf13/pflag"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/watch"
	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/benchmarks/internal/latency"
	cmi "github.com/flagz-go/flagz/configmap/informer"
	"github.com/flagz-go/flagz/configmap/informer/kubetest"
)

// Run with a fixed count so that percentiles have enough samples:
//
//	go test -run '^$' -bench UpdateToVisible -benchtime 500x ./informer/

var (
	serverOnce sync.Once
	server     *kubetest.Server
	serverErr  error
)

// apiServer starts the real kube-apiserver on first use only, so that the
// module's plain `go test` does not pay for it.
func apiServer(b *testing.B) *kubetest.Server {
	b.Helper()
	serverOnce.Do(func() { server, serverErr = kubetest.Start() })
	if serverErr != nil {
		b.Fatalf("the informer benchmark needs a real kube-apiserver: %v", serverErr)
	}
	return server
}

func TestMain(m *testing.M) {
	code := m.Run()
	if server != nil {
		if err := server.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}
	os.Exit(code)
}

// setup returns an admin core/v1 client and a fresh namespace holding the
// ConfigMap "flags" with rate=1.
func setup(b *testing.B) (corev1client.CoreV1Interface, string) {
	b.Helper()
	c, err := corev1client.NewForConfig(apiServer(b).Config)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	ns, err := c.Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "bench-"}}, metav1.CreateOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = c.Namespaces().Delete(context.Background(), ns.Name, metav1.DeleteOptions{}) })
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "flags"}, Data: map[string]string{"rate": "1"}}
	if _, err := c.ConfigMaps(ns.Name).Create(ctx, cm, metav1.CreateOptions{}); err != nil {
		b.Fatal(err)
	}
	return c, ns.Name
}

// updateToVisible updates the ConfigMap b.N times through the API and
// measures, for each, the time from the start of the Update call until
// visible(v) holds; it reports the 50th and 99th percentiles.
func updateToVisible(b *testing.B, c corev1client.CoreV1Interface, namespace string, visible func(v int64) bool) {
	b.Helper()
	ctx := context.Background()
	cms := c.ConfigMaps(namespace)
	cm, err := cms.Get(ctx, "flags", metav1.GetOptions{})
	if err != nil {
		b.Fatal(err)
	}
	latencies := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		v := int64(i + 2)
		cm.Data = map[string]string{"rate": strconv.FormatInt(v, 10)}
		start := time.Now()
		if cm, err = cms.Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
			b.Fatal(err)
		}
		latencies = append(latencies, latency.WaitVisible(b, start, fmt.Sprintf("update %d", v), func() bool { return visible(v) }))
	}
	b.StopTimer()
	latency.Report(b, "", latencies)
}

func BenchmarkUpdateToVisible(b *testing.B) {
	// flagz: the informer source, Get() on a DynInt64.
	b.Run("flagz-informer", func(b *testing.B) {
		c, ns := setup(b)
		fs := pflag.NewFlagSet("bench", pflag.ContinueOnError)
		rate := flagz.DynInt64(fs, "rate", 0, "rate")
		inf, err := cmi.New(fs, coreV1{c}, ns, "flags", cmi.WithLogger(slog.New(slog.DiscardHandler)))
		if err != nil {
			b.Fatal(err)
		}
		if err := inf.Start(context.Background()); err != nil {
			b.Fatal(err)
		}
		defer inf.Stop()
		updateToVisible(b, c, ns, func(v int64) bool { return rate.Get() == v })
	})

	// The floor: a raw client-go watch on the same ConfigMap, decoding the
	// event and parsing the value on the watching goroutine.
	b.Run("raw-watch", func(b *testing.B) {
		c, ns := setup(b)
		w, err := c.ConfigMaps(ns).Watch(context.Background(), metav1.ListOptions{
			FieldSelector: fields.OneTermEqualSelector("metadata.name", "flags").String(),
		})
		if err != nil {
			b.Fatal(err)
		}
		defer w.Stop()
		var seen sync.Map
		go func() {
			for ev := range w.ResultChan() {
				if cm, ok := ev.Object.(*corev1.ConfigMap); ok && ev.Type == watch.Modified {
					if v, err := strconv.ParseInt(cm.Data["rate"], 10, 64); err == nil {
						seen.Store(v, true)
					}
				}
			}
		}()
		updateToVisible(b, c, ns, func(v int64) bool { _, ok := seen.Load(v); return ok })
	})
}

type coreV1 struct{ corev1client.CoreV1Interface }

func (c coreV1) CoreV1() corev1client.CoreV1Interface { return c.CoreV1Interface }

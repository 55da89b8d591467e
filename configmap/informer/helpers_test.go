package informer_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/configmap/informer"
	"github.com/flagz-go/flagz/internal/wait"
	"github.com/flagz-go/flagz/record"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/rest"
)

// waitTimeout bounds every wait for a condition; a healthy run needs far less.
const waitTimeout = 30 * time.Second

// eventually polls cond until it holds, failing the test after waitTimeout.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	wait.Until(t, waitTimeout, what, cond)
}

// kube is a test's view of the API server: an admin client and a namespace
// of its own, deleted when the test ends.
type kube struct {
	t         testing.TB
	client    informer.CoreV1Getter
	http      *http.Client
	namespace string
}

func newKube(t testing.TB) *kube {
	t.Helper()
	k := &kube{t: t}
	k.client, k.http = clientFor(t, server.Config)
	ns, err := k.client.CoreV1().Namespaces().Create(context.Background(),
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "flagz-"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create namespace: %v", err)
	}
	k.namespace = ns.Name
	t.Cleanup(func() {
		_ = k.client.CoreV1().Namespaces().Delete(context.Background(), ns.Name, metav1.DeleteOptions{})
	})
	return k
}

// clientFor returns a core/v1 client with an HTTP client of its own, whose
// idle connections the caller can close (for leak checks).
func clientFor(t testing.TB, cfg *rest.Config) (informer.CoreV1Getter, *http.Client) {
	t.Helper()
	cfg = rest.CopyConfig(cfg)
	cfg.QPS, cfg.Burst = 1000, 2000
	hc, err := rest.HTTPClientFor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c, err := corev1client.NewForConfigAndClient(cfg, hc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(hc.CloseIdleConnections)
	return coreV1{c}, hc
}

type coreV1 struct{ corev1client.CoreV1Interface }

func (c coreV1) CoreV1() corev1client.CoreV1Interface { return c.CoreV1Interface }

func (k *kube) configMaps() corev1client.ConfigMapInterface {
	return k.client.CoreV1().ConfigMaps(k.namespace)
}

// put creates the ConfigMap or replaces its data and binaryData, and
// returns it as stored.
func (k *kube) put(name string, data map[string]string, binary map[string][]byte) *corev1.ConfigMap {
	k.t.Helper()
	ctx := context.Background()
	cm, err := k.configMaps().Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		cm = &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}, Data: data, BinaryData: binary}
		if cm, err = k.configMaps().Create(ctx, cm, metav1.CreateOptions{}); err != nil {
			k.t.Fatalf("create ConfigMap %s: %v", name, err)
		}
		return cm
	}
	if err != nil {
		k.t.Fatalf("get ConfigMap %s: %v", name, err)
	}
	cm.Data, cm.BinaryData = data, binary
	if cm, err = k.configMaps().Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
		k.t.Fatalf("update ConfigMap %s: %v", name, err)
	}
	return cm
}

// label changes only a label: a new resourceVersion with the same content.
func (k *kube) label(name, key, value string) *corev1.ConfigMap {
	k.t.Helper()
	ctx := context.Background()
	cm, err := k.configMaps().Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		k.t.Fatalf("get ConfigMap %s: %v", name, err)
	}
	if cm.Labels == nil {
		cm.Labels = map[string]string{}
	}
	cm.Labels[key] = value
	if cm, err = k.configMaps().Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
		k.t.Fatalf("update ConfigMap %s: %v", name, err)
	}
	return cm
}

func (k *kube) delete(name string) {
	k.t.Helper()
	if err := k.configMaps().Delete(context.Background(), name, metav1.DeleteOptions{}); err != nil {
		k.t.Fatalf("delete ConfigMap %s: %v", name, err)
	}
}

// start initializes and starts an informer on the ConfigMap, stopped when
// the test ends.
func start[F flagz.FlagSet](t testing.TB, fs F, client informer.CoreV1Getter, namespace, name string) *informer.Informer {
	t.Helper()
	inf, _ := startReport(t, fs, client, namespace, name)
	return inf
}

// startReport is start, and returns the report of Initialize too.
func startReport[F flagz.FlagSet](t testing.TB, fs F, client informer.CoreV1Getter, namespace, name string) (*informer.Informer, flagz.Report) {
	t.Helper()
	inf := newInformer(t, fs, client, namespace, name, informer.WithSyncTimeout(waitTimeout))
	t.Cleanup(inf.Stop)
	report, err := inf.Initialize(context.Background())
	if err != nil {
		t.Fatalf("Initialize: %v", err)
	}
	if err := inf.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	return inf, report
}

// newInformer is informer.New, failing the test on its error.
func newInformer[F flagz.FlagSet](t testing.TB, fs F, client informer.CoreV1Getter, namespace, name string, opts ...informer.Option) *informer.Informer {
	t.Helper()
	inf, err := informer.New(fs, client, namespace, name, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return inf
}

// revisionOf is the ConfigMap's resourceVersion as the informer records it.
func revisionOf(t testing.TB, cm *corev1.ConfigMap) int64 {
	t.Helper()
	var rev int64
	if _, err := fmt.Sscan(cm.ResourceVersion, &rev); err != nil {
		t.Fatalf("resourceVersion %q is not a number: %v", cm.ResourceVersion, err)
	}
	return rev
}

// recorder collects a flag's notifications.
type recorder[T any] struct {
	ch chan [2]T
}

func newRecorder[T any]() *recorder[T] { return &recorder[T]{ch: make(chan [2]T, 100)} }

func (r *recorder[T]) notify(old, new T) { r.ch <- [2]T{old, new} }

// next waits for the next notification.
func (r *recorder[T]) next(t testing.TB) (old, new T) {
	t.Helper()
	select {
	case n := <-r.ch:
		return n[0], n[1]
	case <-time.After(waitTimeout):
		t.Fatal("timed out waiting for a notification")
		return old, new
	}
}

// none asserts no notification is queued.
func (r *recorder[T]) none(t testing.TB) {
	t.Helper()
	select {
	case n := <-r.ch:
		t.Fatalf("unexpected notification %v -> %v", n[0], n[1])
	default:
	}
}

// testLogger writes to the test's output, shown only when it fails.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), nil))
}

// reported waits until the informer's last report has the outcome want for
// the flag called name, and returns it: a batch's report is kept once the
// batch is done, just after its values took effect.
func reported(t testing.TB, inf *informer.Informer, name string, want record.Result) flagz.Outcome {
	t.Helper()
	var o flagz.Outcome
	eventually(t, fmt.Sprintf("%s reported %v", name, want), func() bool {
		o, _ = inf.LastReport().Outcome(name)
		return o.Result == want
	})
	return o
}

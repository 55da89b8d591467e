package informer_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/configmap/informer"
	"github.com/spf13/pflag"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// A program outside the cluster reads its kubeconfig ($KUBECONFIG, else
// ~/.kube/config) and follows the ConfigMap "example-flags".
func Example() {
	fs := pflag.NewFlagSet("server", pflag.ContinueOnError)
	rate := flagz.DynInt64(fs, "rate", 100, "requests per second")

	client, err := informer.KubeconfigClient("")
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()

	// The ConfigMap, as `kubectl create configmap example-flags
	// --from-literal=rate=250` makes it.
	_, _ = client.CoreV1().ConfigMaps("default").Create(ctx, &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "example-flags"},
		Data:       map[string]string{"rate": "250"},
	}, metav1.CreateOptions{})

	inf, err := informer.New(fs, client, "default", "example-flags",
		informer.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := inf.Initialize(ctx); err != nil { // the initial load
		fmt.Println(err)
		return
	}
	if err := inf.Start(ctx); err != nil { // follow changes
		fmt.Println(err)
		return
	}
	defer inf.Stop()
	fmt.Println("rate:", rate.Get(), inf.Status().State)
	// Output: rate: 250 SERVING
}

// A bad value does not fail Initialize: the report names it, the other keys
// are applied and the flag keeps its default.
func ExampleInformer_Initialize() {
	fs := pflag.NewFlagSet("server", pflag.ContinueOnError)
	rate := flagz.DynInt64(fs, "rate", 100, "requests per second")
	greeting := flagz.DynString(fs, "greeting", "hello", "how to greet")

	client, err := informer.KubeconfigClient("")
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	_, _ = client.CoreV1().ConfigMaps("default").Create(ctx, &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "example-bad-flags"},
		Data:       map[string]string{"rate": "lots", "greeting": "bonjour"},
	}, metav1.CreateOptions{})

	inf, err := informer.New(fs, client, "default", "example-bad-flags",
		informer.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		fmt.Println(err)
		return
	}
	report, err := inf.Initialize(ctx)
	if err != nil { // RBAC, sync timeout, ctx: nothing was loaded
		fmt.Println(err)
		return
	}
	defer inf.Stop()
	for _, name := range []string{"greeting", "rate"} {
		out, _ := report.Outcome(name)
		fmt.Println(name, out.Result)
	}
	fmt.Println(report.Err() != nil, rate.Get(), greeting.Get())
	// Output:
	// greeting applied
	// rate rejected
	// true 100 bonjour
}

// Inside a pod, the informer authenticates as the pod's service account
// (which needs the Role of the package documentation) and runs until the
// process is asked to stop.
func Example_inCluster() {
	fs := pflag.CommandLine
	rate := flagz.DynInt64(fs, "rate", 100, "requests per second")
	pflag.Parse()

	client, err := informer.InClusterClient()
	if err != nil {
		slog.Error("no in-cluster config", "error", err)
		os.Exit(1)
	}
	namespace, err := informer.InClusterNamespace()
	if err != nil {
		slog.Error("no namespace", "error", err)
		os.Exit(1)
	}
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer cancel()

	inf, err := informer.New(fs, client, namespace, "my-flags")
	if err != nil {
		slog.Error("informer", "error", err)
		os.Exit(1)
	}
	report, err := inf.Initialize(ctx)
	if err != nil {
		slog.Error("flags not loaded", "error", err)
		os.Exit(1)
	}
	if err := report.Err(); err != nil {
		slog.Warn("some flags refused their values; they keep their defaults", "error", err)
	}
	go serve(rate) // reads rate.Get() on every request
	if err := inf.Run(ctx); err != nil {
		slog.Error("informer", "error", err)
	}
}

func serve(*flagz.DynInt64Value) {}

package realetcd_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/watcher"
	"github.com/flagz-go/flagz/watcher/etcdtest"
	"github.com/spf13/pflag"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// exampleEtcd starts a real etcd on loopback for the examples; a service
// would connect to its own cluster instead.
func exampleEtcd() (*etcdtest.Server, *clientv3.Client) {
	srv, err := etcdtest.New()
	if err != nil {
		log.Fatal(err)
	}
	client, err := clientv3.New(clientv3.Config{Endpoints: srv.Endpoints(), DialTimeout: 5 * time.Second})
	if err != nil {
		log.Fatal(err)
	}
	return srv, client
}

// A service declares dynamic flags, loads their values from etcd at
// start-up and follows changes: `etcdctl put /myservice/flags/rate 500`
// changes the running service.
func Example() {
	srv, client := exampleEtcd()
	defer srv.Close()
	defer client.Close()
	ctx := context.Background()
	client.Put(ctx, "/myservice/flags/rate", "250")

	fs := pflag.NewFlagSet("myservice", pflag.ContinueOnError)
	changed := make(chan int64, 1)
	rate := flagz.DynInt64(fs, "rate", 100, "requests per second").
		WithNotifier(func(_, new int64) { changed <- new })

	w, err := watcher.New(fs, client, "/myservice/flags", watcher.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := w.Initialize(ctx); err != nil {
		log.Fatal(err)
	}
	if err := w.Start(ctx); err != nil {
		log.Fatal(err)
	}
	defer w.Stop()
	fmt.Println("at start-up:", <-changed, w.Status().State)

	client.Put(ctx, "/myservice/flags/rate", "500") // what etcdctl put does
	fmt.Println("after the put:", <-changed, rate.Get())

	client.Delete(ctx, "/myservice/flags/rate")
	fmt.Println("after the delete:", <-changed)
	// Output:
	// at start-up: 250 SERVING
	// after the put: 500 500
	// after the delete: 100
}

// A value a flag refuses is not applied, and the watcher writes the last
// good value back to etcd, unless a newer write came first.
func Example_rollback() {
	srv, client := exampleEtcd()
	defer srv.Close()
	defer client.Close()
	ctx := context.Background()
	client.Put(ctx, "/myservice/flags/rate", "250")

	fs := pflag.NewFlagSet("myservice", pflag.ContinueOnError)
	rate := flagz.DynInt64(fs, "rate", 100, "requests per second").
		WithValidator(flagz.ValidateDynInt64Range(1, 10_000))
	w, err := watcher.New(fs, client, "/myservice/flags", watcher.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		log.Fatal(err)
	}
	report, err := w.Initialize(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("loaded:", report)
	w.Start(ctx)
	defer w.Stop()

	// Watch the key to see the rollback arrive.
	events := client.Watch(ctx, "/myservice/flags/rate", clientv3.WithRev(w.Status().LastRevision+1))
	client.Put(ctx, "/myservice/flags/rate", "-5")
	for resp := range events {
		for _, ev := range resp.Events {
			fmt.Printf("etcd: rate=%s\n", ev.Kv.Value)
		}
		if len(resp.Events) > 0 && string(resp.Events[len(resp.Events)-1].Kv.Value) == "250" {
			break
		}
	}
	fmt.Println("flag:", rate.Get())
	// Output:
	// loaded: [rate: applied]
	// etcd: rate=-5
	// etcd: rate=250
	// flag: 250
}

// With a snapshot file, a process that starts while etcd is unreachable
// serves the values it last applied and reports DEGRADED until etcd
// answers.
func ExampleWithSnapshotFile() {
	srv, client := exampleEtcd()
	defer srv.Close()
	defer client.Close()
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "flagz-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "flags.json")
	quiet := watcher.WithLogger(slog.New(slog.DiscardHandler))
	short := watcher.WithHealthCheck(time.Second, 500*time.Millisecond)

	// A first run saves what it applies.
	client.Put(ctx, "/myservice/flags/rate", "250")
	fs := pflag.NewFlagSet("first", pflag.ContinueOnError)
	flagz.DynInt64(fs, "rate", 100, "requests per second")
	w, _ := watcher.New(fs, client, "/myservice/flags", quiet, watcher.WithSnapshotFile(path))
	if _, err := w.Initialize(ctx); err != nil {
		log.Fatal(err)
	}
	w.Stop()

	// etcd goes away; the next process starts anyway.
	srv.Stop()
	fs = pflag.NewFlagSet("second", pflag.ContinueOnError)
	rate := flagz.DynInt64(fs, "rate", 100, "requests per second")
	w, _ = watcher.New(fs, client, "/myservice/flags", quiet, short, watcher.WithSnapshotFile(path))
	if _, err := w.Initialize(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println(rate.Get(), w.Status().State)
	// Output: 250 DEGRADED
}

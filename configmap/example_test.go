package configmap_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/pflag"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/configmap"
)

// A directory of one file per flag, as the kubelet mounts a ConfigMap.
func Example() {
	dir, _ := os.MkdirTemp("", "flags")
	defer os.RemoveAll(dir)
	_ = os.WriteFile(filepath.Join(dir, "rate"), []byte("250\n"), 0o644)

	fs := pflag.NewFlagSet("example", pflag.ContinueOnError)
	rate := flagz.DynInt64(fs, "rate", 100, "requests per second")

	w, err := configmap.New(fs, dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	report, err := w.Initialize(context.Background())
	if err != nil {
		fmt.Println("cannot load the directory:", err)
		return
	}
	if err := report.Err(); err != nil {
		fmt.Println("bad entries:", err)
	}
	fmt.Println(rate.Get(), w.Status().State)
	// Output: 250 SERVING
}

// A bad entry does not fail Initialize: the report names it, the other
// entries are applied and the flag keeps its last good value.
func ExampleWatcher_Initialize() {
	dir, _ := os.MkdirTemp("", "flags")
	defer os.RemoveAll(dir)
	_ = os.WriteFile(filepath.Join(dir, "rate"), []byte("lots\n"), 0o644)
	_ = os.WriteFile(filepath.Join(dir, "greeting"), []byte("hello\n"), 0o644)

	fs := pflag.NewFlagSet("example", pflag.ContinueOnError)
	rate := flagz.DynInt64(fs, "rate", 100, "requests per second")
	greeting := flagz.DynString(fs, "greeting", "hi", "how to greet")

	w, err := configmap.New(fs, dir, configmap.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		fmt.Println(err)
		return
	}
	report, err := w.Initialize(context.Background())
	if err != nil {
		fmt.Println("cannot load the directory:", err)
		return
	}
	for _, name := range []string{"greeting", "rate"} {
		out, _ := report.Outcome(name)
		fmt.Println(name, out.Result)
	}
	fmt.Println(report.Err() != nil, rate.Get(), greeting.Get())
	// Output:
	// greeting applied
	// rate rejected
	// true 100 hello
}

// Start follows the directory: a new value is visible to Get moments after
// it is written.
func ExampleWatcher_Start() {
	dir, _ := os.MkdirTemp("", "flags")
	defer os.RemoveAll(dir)
	_ = os.WriteFile(filepath.Join(dir, "greeting"), []byte("hello\n"), 0o644)

	fs := pflag.NewFlagSet("example", pflag.ContinueOnError)
	greeting := flagz.DynString(fs, "greeting", "hi", "how to greet")

	w, err := configmap.New(fs, dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, _ = w.Initialize(context.Background())
	if err := w.Start(context.Background()); err != nil {
		fmt.Println(err)
		return
	}
	defer w.Stop()

	_ = os.WriteFile(filepath.Join(dir, "greeting"), []byte("bonjour\n"), 0o644)
	for deadline := time.Now().Add(5 * time.Second); greeting.Get() != "bonjour" && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	fmt.Println(greeting.Get())
	// Output: bonjour
}

// One YAML file; lists become comma-separated text, mappings JSON.
func ExampleNewFile() {
	dir, _ := os.MkdirTemp("", "flags")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "flags.yaml")
	_ = os.WriteFile(path, []byte("rate: 250\nregions: [eu, us]\nlimits: {burst: 10}\n"), 0o644)

	fs := pflag.NewFlagSet("example", pflag.ContinueOnError)
	rate := flagz.DynInt64(fs, "rate", 100, "requests per second")
	regions := flagz.DynStringSlice(fs, "regions", nil, "regions served")
	type limits struct{ Burst int }
	lim := flagz.DynJSONOf(fs, "limits", limits{Burst: 1}, "limits")

	w, err := configmap.NewFile(fs, path)
	if err != nil {
		fmt.Println(err)
		return
	}
	report, err := w.Initialize(context.Background())
	if err != nil {
		fmt.Println("cannot load the file:", err)
		return
	}
	if err := report.Err(); err != nil {
		fmt.Println("bad entries:", err)
	}
	fmt.Println(rate.Get(), regions.Get(), lim.Get().Burst)
	// Output: 250 [eu us] 10
}

// Run is Initialize, Start, and Stop when the context ends.
func ExampleWatcher_Run() {
	dir, _ := os.MkdirTemp("", "flags")
	defer os.RemoveAll(dir)
	_ = os.WriteFile(filepath.Join(dir, "rate"), []byte("7\n"), 0o644)

	fs := pflag.NewFlagSet("example", pflag.ContinueOnError)
	rate := flagz.DynInt64(fs, "rate", 1, "requests per second")

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	w, err := configmap.New(fs, dir, configmap.WithSourceName("flags-volume"))
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = w.Run(ctx) // returns once ctx is done and the watcher stopped
	fmt.Println(rate.Get(), w.Status().Name, w.Status().State)
	// Output: 7 flags-volume STOPPED
}

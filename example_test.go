package flagz_test

import (
	"fmt"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/spf13/pflag"
	"google.golang.org/protobuf/types/known/structpb"
)

// Declare dynamic flags next to static ones, parse the command line, read
// them anywhere without locks.
func Example() {
	fs := pflag.NewFlagSet("server", pflag.ContinueOnError)
	listen := fs.String("listen", ":8080", "address to serve on (static)")
	rate := flagz.DynInt64(fs, "rate_limit", 100, "requests per second")
	maintenance := flagz.DynBool(fs, "maintenance", false, "serve 503 to everyone")
	backends := flagz.DynStringSlice(fs, "backends", []string{"a:80"}, "upstreams")

	_ = fs.Parse([]string{"--rate_limit=250", "--maintenance", "--backends=a:80, b:80"})

	fmt.Println(*listen, rate.Get(), maintenance.Get(), backends.Get())
	// Output: :8080 250 true [a:80 b:80]
}

// A validator refuses bad values; the flag keeps its last good one and the
// error names the flag and the reason.
func ExampleDyn_WithValidator() {
	fs := pflag.NewFlagSet("server", pflag.ContinueOnError)
	workers := flagz.DynInt64(fs, "workers", 4, "worker goroutines").
		WithValidator(flagz.ValidateDynInt64Range(1, 64))

	fmt.Println(workers.Set("1000"))
	fmt.Println(workers.Get())
	// Output:
	// flag "workers": value "1000" refused: not in range [1, 64]
	// 4
}

// Notifiers see every change of a flag, in order, with the old and new
// values.
func ExampleDyn_WithNotifier() {
	fs := pflag.NewFlagSet("server", pflag.ContinueOnError)
	timeout := flagz.DynDuration(fs, "timeout", time.Second, "request timeout").
		WithNotifier(func(old, new time.Duration) { fmt.Println("timeout", old, "->", new) })

	_ = timeout.Set("250ms")
	_ = timeout.Set("250ms") // no change, no notification
	_ = timeout.Set("2s")
	timeout.WaitNotified()
	// Output:
	// timeout 1s -> 250ms
	// timeout 250ms -> 2s
}

// DynJSONOf holds a typed JSON document: Get returns the struct itself.
func ExampleDynJSONOf() {
	type Routing struct {
		Default string            `json:"default"`
		Routes  map[string]string `json:"routes"`
	}
	fs := pflag.NewFlagSet("server", pflag.ContinueOnError)
	routing := flagz.DynJSONOf(fs, "routing", Routing{Default: "v1"}, "routing table")

	_ = routing.Set(`{"default": "v2", "routes": {"/beta": "v3"}}`)
	r := routing.Get()
	fmt.Println(r.Default, r.Routes["/beta"])
	fmt.Println(routing.String())
	// Output:
	// v2 v3
	// {"default":"v2","routes":{"/beta":"v3"}}
}

// DynProto holds any protocol buffer message, set from protojson or the
// binary wire format.
func ExampleDynProto() {
	fs := pflag.NewFlagSet("server", pflag.ContinueOnError)
	def, _ := structpb.NewStruct(map[string]any{"mode": "safe"})
	cfg := flagz.DynProto(fs, "config", def, "service config")

	_ = cfg.Set(`{"mode": "fast", "shards": 4}`)
	fmt.Println(cfg.Get().Fields["mode"].GetStringValue())
	fmt.Println(cfg.String())
	// Output:
	// fast
	// {"mode":"fast","shards":4}
}

// A source changes flags through the engine, which applies the same rules
// to every source and reports what became of each name.
func ExampleSource() {
	fs := pflag.NewFlagSet("server", pflag.ContinueOnError)
	rate := flagz.DynInt64(fs, "rate_limit", 100, "requests per second")
	fs.String("listen", ":8080", "static")

	src := flagz.EngineFor(fs).Source("example", nil)
	src.Load(1, map[string]string{"rate_limit": "200", "listen": ":9090"})
	report := src.Update(2, map[string]string{"rate_limit": "fast", "listen": ":7070", "newer_flag": "1"})
	for _, o := range report {
		fmt.Println(o.Flag, o.Result)
	}
	src.Remove(3, "rate_limit")
	fmt.Println("rate_limit is back to", rate.Get())
	// Output:
	// listen restart_required
	// newer_flag unknown
	// rate_limit rejected
	// rate_limit is back to 100
}

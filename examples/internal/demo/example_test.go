package demo_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/flagz-go/flagz/examples/internal/demo"
	"github.com/spf13/pflag"
)

// The routing table is a typed JSON flag: Get returns the struct, and its
// validator refuses a table a router could not use.
func ExampleRoutingTable_Pick() {
	fs := pflag.NewFlagSet("demo", pflag.ContinueOnError)
	flags := demo.DeclareFlags(fs)

	_ = fs.Set(demo.FlagRoutes, `{"routes":[{"prefix":"/api","backend":"api-v2:8080"}],"default":"web:8080"}`)
	fmt.Println(flags.Routes.Get().Pick("/api/users"), flags.Routes.Get().Pick("/"))

	fmt.Println(fs.Set(demo.FlagRoutes, `{"routes":[{"prefix":"api","backend":"x"}],"default":"web:8080"}`) != nil)
	fmt.Println(flags.Routes.Get().Pick("/api/users"))
	// Output:
	// api-v2:8080 web:8080
	// true
	// api-v2:8080
}

// Handler serves the service, the debug page and the metrics of one flag
// set; a change to a flag, from any source, shows in the next answer.
func ExampleHandler() {
	fs := pflag.NewFlagSet("demo", pflag.ContinueOnError)
	flags := demo.DeclareFlags(fs)
	h, err := demo.Handler(fs, flags, slog.New(slog.DiscardHandler))
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	greet := func() {
		resp, err := http.Get(srv.URL + "/")
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		var st demo.Status
		_ = json.NewDecoder(resp.Body).Decode(&st)
		fmt.Println(st.Greeting)
	}
	greet()
	_ = fs.Set(demo.FlagGreeting, "hello, world")
	_ = fs.Set(demo.FlagShout, "true")
	greet()
	// Output:
	// hello from flagz
	// HELLO, WORLD
}

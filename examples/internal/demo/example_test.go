package demo_test

import (
	"fmt"

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

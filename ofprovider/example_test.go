package ofprovider_test

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/ofprovider"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/spf13/pflag"
)

// A service declares its flags with flagz, lets a source (here one written
// by hand; etcd or a ConfigMap in a real service) change them, and reads
// them through the OpenFeature client.
func Example() {
	fs := pflag.NewFlagSet("checkout", pflag.ContinueOnError)
	flagz.DynBool(fs, "new-checkout", false, "serve the new checkout page")
	flagz.DynInt64(fs, "max-items", 50, "items per cart")
	src := flagz.EngineFor(fs).Source("example", slog.New(slog.DiscardHandler))
	src.Load(7, map[string]string{"new-checkout": "true"})

	provider := ofprovider.New(fs)
	ctx := context.Background()
	if err := openfeature.SetNamedProviderWithContextAndWait(ctx, "example", provider); err != nil {
		fmt.Println("provider:", err)
		return
	}
	defer provider.Shutdown()
	client := openfeature.NewClient("example")

	on, _ := client.BooleanValueDetails(ctx, "new-checkout", false, openfeature.EvaluationContext{})
	source, _ := on.FlagMetadata.GetString("source")
	fmt.Println("new-checkout:", on.Value, on.Reason, "from", source)
	max, _ := client.IntValueDetails(ctx, "max-items", 10, openfeature.EvaluationContext{})
	fmt.Println("max-items:", max.Value, max.Reason)
	_, err := client.IntValue(ctx, "new-checkout", 10, openfeature.EvaluationContext{})
	fmt.Println("error:", err != nil)
	// Output:
	// new-checkout: true STATIC from example
	// max-items: 50 DEFAULT
	// error: true
}

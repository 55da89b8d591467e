package realetcd_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/watcher"
	"github.com/flagz-go/flagz/watcher/presence"
	"github.com/spf13/pflag"
)

// With presence on, each process publishes its flags' schema and the
// revision it has applied; a tool checks a value against the fleet before
// writing it, then waits until every process has applied the write.
func ExampleWithPresence() {
	srv, client := exampleEtcd()
	defer srv.Close()
	defer client.Close()
	ctx := context.Background()

	fs := pflag.NewFlagSet("myservice", pflag.ContinueOnError)
	flagz.DynInt64(fs, "rate", 100, "requests per second").WithValidator(flagz.ValidateDynInt64Range(1, 1000))
	w, err := watcher.New(fs, client, "/myservice/flags", watcher.WithPresence(),
		watcher.WithLogger(slog.New(slog.DiscardHandler)))
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

	// The operator's side: what do the live processes accept?
	fleet := func() []presence.Record {
		for {
			records, _, err := presence.List(ctx, client, "/myservice/flags")
			if err == nil && len(records) > 0 {
				return records
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	schema, _ := fleet()[0].Flag("rate")
	fmt.Println("5000:", flagz.Preflight(schema, "5000"))
	fmt.Println("500:", flagz.Preflight(schema, "500"))

	resp, err := client.Put(ctx, "/myservice/flags/rate", "500")
	if err != nil {
		log.Fatal(err)
	}
	for fleet()[0].Revision < resp.Header.Revision {
		time.Sleep(10 * time.Millisecond)
	}
	fmt.Println("applied by the fleet")
	// Output:
	// 5000: flag "rate": value "5000" refused: not in range [1, 1000]
	// 500: <nil>
	// applied by the fleet
}

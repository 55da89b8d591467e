package flagz_test

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/flagz-go/flagz"
	"github.com/spf13/pflag"
)

// Related settings are one struct: each field is a flag, a batch that
// changes several fields changes the struct once, and a validator sees the
// whole candidate.
func ExampleDynStruct() {
	type Limits struct {
		Rate  int64 `usage:"requests per second"`
		Burst int64 `usage:"requests at once; at least rate"`
	}
	fs := pflag.NewFlagSet("server", pflag.ContinueOnError)
	limits := flagz.DynStruct(fs, "limits", Limits{Rate: 10, Burst: 20}, "rate limiter").
		WithValidator(func(l Limits) error {
			if l.Burst < l.Rate {
				return errors.New("burst is below rate")
			}
			return nil
		}).
		WithNotifier(func(old, new Limits) { fmt.Printf("limits %+v -> %+v\n", old, new) })
	fmt.Println(limits.Fields())

	// An etcd transaction writing both keys is one batch: one change.
	src := flagz.EngineFor(fs).Source("etcd", slog.New(slog.DiscardHandler))
	src.Update(7, map[string]string{"limits.rate": "50", "limits.burst": "100"})
	limits.WaitNotified()

	// A batch the validator refuses changes no field.
	report := src.Update(8, map[string]string{"limits.rate": "500", "limits.burst": "200"})
	fmt.Println(report.Err())
	fmt.Printf("%+v\n", limits.Get())
	// Output:
	// [limits.rate limits.burst]
	// limits {Rate:10 Burst:20} -> {Rate:50 Burst:100}
	// flag "limits.burst": value "200" refused: struct "limits": burst is below rate
	// flag "limits.rate": value "500" refused: struct "limits": burst is below rate
	// {Rate:50 Burst:100}
}

package env_test

import (
	"fmt"
	"log/slog"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/env"
	"github.com/spf13/pflag"
)

// Load sets flags from PREFIX_NAME variables after the command line, which
// keeps precedence; a bad value is an error naming its variable.
func ExampleLoad() {
	fs := pflag.NewFlagSet("myapp", pflag.ContinueOnError)
	rate := flagz.DynInt64(fs, "rate-limit", 10, "requests per second").
		WithValidator(flagz.ValidateDynInt64Range(1, 1000))
	listen := fs.String("listen", ":8080", "address to serve on")
	workers := fs.Int("workers", 4, "worker goroutines")
	_ = fs.Parse([]string{"--workers=8"})

	environ := []string{ // os.Environ() unless WithEnviron says otherwise
		"MYAPP_RATE_LIMIT=50",
		"MYAPP_LISTEN=:9090",
		"MYAPP_WORKERS=16", // the command line gave --workers: it wins
	}
	report, err := env.Load(fs, "MYAPP", env.WithEnviron(environ), env.WithLogger(slog.New(slog.DiscardHandler)))
	fmt.Println(rate.Get(), *listen, *workers, err)
	for _, o := range report {
		fmt.Println(o.Flag, o.Result)
	}

	// A later Load reconciles with the variables as they are then.
	environ = []string{"MYAPP_RATE_LIMIT=5000", "MYAPP_LISTEN=:9090"}
	_, err = env.Load(fs, "MYAPP", env.WithEnviron(environ), env.WithLogger(slog.New(slog.DiscardHandler)))
	fmt.Println(err)
	// Output:
	// 50 :9090 8 <nil>
	// listen applied
	// rate-limit applied
	// workers command_line
	// environment variable MYAPP_RATE_LIMIT: flag "rate-limit": value "5000" refused: not in range [1, 1000]
}

// Var names a flag's variable.
func ExampleVar() {
	fmt.Println(env.Var("MYAPP", "rate-limit"), env.Var("MYAPP", "limits.burst"))
	// Output: MYAPP_RATE_LIMIT MYAPP_LIMITS_BURST
}

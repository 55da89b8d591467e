package settings

import (
	"time"

	"github.com/flagz-go/flagz"
	"github.com/spf13/pflag"
)

var (
	// Name is a static flag: pflag's own kind, fixed at start-up.
	Name = pflag.String("name", "simple", "name of this program instance (static)")

	// Workers is a dynamic int64 with a validator: a value outside
	// [1, 64] is refused with an error naming the flag, and the last good
	// value stays.
	Workers = flagz.DynInt64(pflag.CommandLine, "workers", 4, "worker goroutines").
		WithValidator(flagz.ValidateDynInt64Range(1, 64))

	// Timeout is a dynamic duration ("250ms", "2s").
	Timeout = flagz.DynDuration(pflag.CommandLine, "timeout", time.Second, "per-request timeout")

	// Verbose is a dynamic bool: a bare --verbose means true.
	Verbose = flagz.DynBool(pflag.CommandLine, "verbose", false, "log every request")

	// Backends is a dynamic list, written comma separated.
	Backends = flagz.DynStringSlice(pflag.CommandLine, "backends",
		[]string{"10.0.0.1:80", "10.0.0.2:80"}, "upstream servers")

	// APIToken is a secret read from a file: --api_token_path=<file> (the
	// companion flag WithFileFlag declares) names the file, and
	// flagz.ReadFileFlags reads it after parsing. WithSensitive shows
	// "[redacted]" instead of the value on the debug page, in logs and in
	// errors.
	APIToken = flagz.DynString(pflag.CommandLine, "api_token", "", "token for the upstream API").
			WithSensitive().
			WithFileFlag("")
)

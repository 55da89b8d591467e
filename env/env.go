// Package env sets flags from environment variables, as a source of the
// flag set's engine: a 12-factor deployment sets MYAPP_RATE_LIMIT=50 and
// the flag rate-limit takes it.
//
// Call Load once, after parsing the command line and before starting any
// other source:
//
//	pflag.Parse()
//	if _, err := env.Load(pflag.CommandLine, "MYAPP"); err != nil {
//		log.Fatal(err)
//	}
//
// Each flag's variable is PREFIX_NAME, the flag's name upper-cased with
// "-" and "." written "_" (Var). The values go through the engine like any
// source's, under the source name "env": each change is recorded, shown on
// the debug page and in the flag's history, logged with sensitive values
// redacted, and reported; a value a flag refuses is an error naming the
// variable.
//
// Precedence: the environment stands for what the person starting the
// process chose, as the command line does.
//
//   - A flag given on the command line keeps that value; its variable is
//     not applied (reported CommandLine).
//   - A static flag set from the environment keeps that value whatever a
//     source holds, as one given on the command line does.
//   - A dynamic flag follows its runtime sources (etcd, a ConfigMap) over
//     the environment: the first time one changes it away from the
//     environment's value, the engine logs a warning naming both, as it
//     does for the command line. A source that drops the flag returns it
//     to its declared default.
package env

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/internal/link"
	"github.com/flagz-go/flagz/record"
)

// SourceName is the name of the environment's source on the engine: what
// the debug page, the flags' histories and the metrics call it.
const SourceName = "env"

// Var returns the environment variable of the flag called name: prefix,
// "_", then name upper-cased with "-" and "." written "_". An empty prefix
// gives the name alone; a prefix ending in "_" gets no second one.
//
//	Var("MYAPP", "rate-limit")   // MYAPP_RATE_LIMIT
//	Var("MYAPP", "limits.burst") // MYAPP_LIMITS_BURST
func Var(prefix, name string) string {
	v := strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(name))
	switch {
	case prefix == "":
		return v
	case strings.HasSuffix(prefix, "_"):
		return prefix + v
	default:
		return prefix + "_" + v
	}
}

// Option configures Load.
type Option func(*options)

type options struct {
	logger  *slog.Logger
	environ *[]string // nil: os.Environ()
}

// WithLogger sends the source's audit log (one line per change, refusal or
// value kept) to logger instead of slog.Default().
func WithLogger(logger *slog.Logger) Option { return func(o *options) { o.logger = logger } }

// WithEnviron reads the variables from environ, "KEY=value" strings as
// os.Environ returns them, instead of the process's environment.
func WithEnviron(environ []string) Option {
	environ = slices.Clone(environ)
	return func(o *options) { o.environ = &environ }
}

// Load sets the flags of fs whose variables (Var(prefix, name)) are set, as
// the initial load of the source called SourceName, and returns what
// became of each: the report lists every variable found, and variables
// that start with PREFIX_ and belong to no flag as Unknown (with a prefix
// only), which the engine also records as the source's ignored names. A
// variable set to the empty string sets its flag to "".
//
// The error joins one error per value a flag refused or could not take,
// each naming the variable and wrapping the flag's error (a
// *flagz.ValueError for a value that does not parse or validate, with a
// sensitive flag's value redacted), and one for two flags whose names give
// the same variable (neither is set from it). A later Load reconciles:
// flags whose variables are gone return to their defaults, and static ones
// report that a restart is required.
func Load[F flagz.FlagSet](fs F, prefix string, opts ...Option) (flagz.Report, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	list := os.Environ()
	if o.environ != nil {
		list = *o.environ
	}
	environ := map[string]string{}
	for _, kv := range list {
		if k, v, ok := strings.Cut(kv, "="); ok {
			environ[k] = v
		}
	}

	e := flagz.EngineFor(fs)
	flagOf := map[string]string{} // variable -> flag
	varOf := map[string]string{}  // flag -> variable
	var errs []error
	for _, f := range e.Schema() {
		v := Var(prefix, f.Name)
		if other, ok := flagOf[v]; ok {
			if other != "" {
				errs = append(errs, fmt.Errorf("environment variable %s: flags %q and %q both read it; neither is set from it", v, other, f.Name))
				delete(varOf, other)
			}
			flagOf[v] = "" // ambiguous
			continue
		}
		flagOf[v], varOf[f.Name] = f.Name, v
	}
	values := map[string]string{}
	for name, v := range varOf {
		if text, ok := environ[v]; ok {
			values[name] = text
		}
	}
	if p := Var(prefix, ""); prefix != "" {
		for k, text := range environ {
			if _, known := flagOf[k]; !known && strings.HasPrefix(k, p) {
				if _, isFlag := e.FlagSyntax(k); !isFlag {
					values[k] = text // no flag has it: the engine reports it unknown
				}
			}
		}
	}

	src := e.Source(SourceName, o.logger)
	link.Explicit(src)
	report := src.Load(0, values)
	for _, out := range report {
		if out.Err != nil && out.Result != record.Unknown {
			errs = append(errs, fmt.Errorf("environment variable %s: %w", varOf[out.Flag], out.Err))
		}
	}
	return report, errors.Join(errs...)
}

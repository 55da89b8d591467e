package env_test

import (
	"bytes"
	"errors"
	"flag"
	"log/slog"
	"strings"
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/env"
	"github.com/flagz-go/flagz/record"
	"github.com/spf13/pflag"
)

func quiet() env.Option { return env.WithLogger(slog.New(slog.DiscardHandler)) }

func TestVar(t *testing.T) {
	for _, c := range []struct{ prefix, name, want string }{
		{"MYAPP", "rate-limit", "MYAPP_RATE_LIMIT"},
		{"MYAPP_", "limits.burst", "MYAPP_LIMITS_BURST"},
		{"", "log_level", "LOG_LEVEL"},
	} {
		if got := env.Var(c.prefix, c.name); got != c.want {
			t.Errorf("Var(%q, %q) = %q, want %q", c.prefix, c.name, got, c.want)
		}
	}
}

// Load sets dynamic and static flags of a pflag set and of a standard
// one, through the engine: the change is recorded as the source "env".
func TestLoadSetsFlags(t *testing.T) {
	environ := []string{"MYAPP_RATE_LIMIT=50", "MYAPP_LISTEN=:9090", "MYAPP_VERBOSE=true", "OTHER_RATE_LIMIT=7", "PATH=/bin"}

	pfs := pflag.NewFlagSet("p", pflag.ContinueOnError)
	rate := flagz.DynInt64(pfs, "rate-limit", 10, "")
	listen := pfs.String("listen", ":8080", "")
	verbose := flagz.DynBool(pfs, "verbose", false, "")
	check := func(kind string, e *flagz.Engine, rep flagz.Report, err error, rateNow int64, listenNow string, verboseNow bool) {
		t.Helper()
		if err != nil || rateNow != 50 || listenNow != ":9090" || !verboseNow {
			t.Fatalf("%s: err %v, rate %d, listen %q, verbose %v", kind, err, rateNow, listenNow, verboseNow)
		}
		if rep.Count(record.Applied) != 3 {
			t.Errorf("%s: report %v", kind, rep)
		}
		st, _ := e.Flag("rate-limit")
		if st.LastChange == nil || st.LastChange.Source != env.SourceName || st.CommandLine != nil {
			t.Errorf("%s: state %+v", kind, st)
		}
		if len(st.HeldBy) != 1 || st.HeldBy[0].Source != "env" || st.HeldBy[0].Value != "50" {
			t.Errorf("%s: held by %+v", kind, st.HeldBy)
		}
	}
	rep, err := env.Load(pfs, "MYAPP", env.WithEnviron(environ), quiet())
	check("pflag", flagz.EngineFor(pfs), rep, err, rate.Get(), *listen, verbose.Get())

	sfs := flag.NewFlagSet("s", flag.ContinueOnError)
	srate := flagz.DynInt64(sfs, "rate-limit", 10, "")
	slisten := sfs.String("listen", ":8080", "")
	sverbose := flagz.DynBool(sfs, "verbose", false, "")
	rep, err = env.Load(sfs, "MYAPP", env.WithEnviron(environ), quiet())
	check("flag", flagz.EngineFor(sfs), rep, err, srate.Get(), *slisten, sverbose.Get())
}

// A value a flag refuses is an error naming the variable; a sensitive
// flag's value appears nowhere; the other variables are applied.
func TestLoadBadValues(t *testing.T) {
	fs := pflag.NewFlagSet("p", pflag.ContinueOnError)
	rate := flagz.DynInt64(fs, "rate", 10, "").WithValidator(flagz.ValidateDynInt64Range(1, 100))
	flagz.DynDuration(fs, "token-ttl", 0, "").WithSensitive()
	port := fs.Int("port", 80, "")
	name := flagz.DynString(fs, "name", "", "")
	var log bytes.Buffer
	rep, err := env.Load(fs, "APP", env.WithEnviron([]string{
		"APP_RATE=500", "APP_TOKEN_TTL=hunter2", "APP_PORT=eighty", "APP_NAME=ok",
	}), env.WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
	for _, want := range []string{
		`environment variable APP_RATE: flag "rate": value "500" refused: not in range [1, 100]`,
		`environment variable APP_TOKEN_TTL: flag "token-ttl": value [redacted] refused: not a valid dyn_duration`,
		`environment variable APP_PORT: flag "port": value "eighty" refused`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v\nlacks %s", err, want)
		}
	}
	var ve *flagz.ValueError
	if !errors.As(err, &ve) || !errors.Is(err, flagz.ErrInvalid) {
		t.Errorf("error does not wrap the flags' errors: %v", err)
	}
	if strings.Contains(err.Error(), "hunter2") || strings.Contains(log.String(), "hunter2") {
		t.Error("a sensitive value leaked")
	}
	if rate.Get() != 10 || *port != 80 || name.Get() != "ok" || rep.Count(record.Rejected) != 3 {
		t.Errorf("rate %d, port %d, name %q, report %v", rate.Get(), *port, name.Get(), rep)
	}
	st, _ := flagz.EngineFor(fs).Flag("rate")
	if st.LastRejection == nil || st.LastRejection.Source != "env" {
		t.Errorf("last rejection %+v", st.LastRejection)
	}
}

// Variables with the prefix that no flag reads are reported and recorded
// as ignored; two flags reading one variable is an error, and neither
// takes it.
func TestLoadUnknownAndAmbiguous(t *testing.T) {
	fs := pflag.NewFlagSet("p", pflag.ContinueOnError)
	a := flagz.DynString(fs, "log-level", "info", "")
	b := flagz.DynString(fs, "log.level", "info", "")
	rep, err := env.Load(fs, "APP", env.WithEnviron([]string{"APP_LOG_LEVEL=debug", "APP_RATE_LIMT=5"}), quiet())
	if err == nil || !strings.Contains(err.Error(), `environment variable APP_LOG_LEVEL: flags "log-level" and "log.level" both read it`) {
		t.Errorf("error %v", err)
	}
	if a.Get() != "info" || b.Get() != "info" {
		t.Error("an ambiguous variable was applied")
	}
	if o, ok := rep.Outcome("APP_RATE_LIMT"); !ok || o.Result != record.Unknown {
		t.Errorf("report %v", rep)
	}
	var ignored []string
	for _, s := range flagz.EngineFor(fs).Sources() {
		if s.Name == env.SourceName {
			for _, n := range s.IgnoredNames {
				ignored = append(ignored, n.Name)
			}
		}
	}
	if len(ignored) != 1 || ignored[0] != "APP_RATE_LIMT" {
		t.Errorf("ignored names %v", ignored)
	}
}

// The fields of a struct set from the environment change it once.
func TestLoadSetsAStructAtOnce(t *testing.T) {
	type limits struct{ Rate, Burst int64 }
	fs := pflag.NewFlagSet("p", pflag.ContinueOnError)
	s := flagz.DynStruct(fs, "limits", limits{Rate: 10, Burst: 10}, "").WithValidator(func(l limits) error {
		if l.Burst < l.Rate {
			return errors.New("burst below rate")
		}
		return nil
	})
	changes := 0
	s.WithNotifier(func(limits, limits) { changes++ })
	_, err := env.Load(fs, "APP", env.WithEnviron([]string{"APP_LIMITS_RATE=50", "APP_LIMITS_BURST=80"}), quiet())
	s.WaitNotified()
	if err != nil || s.Get() != (limits{50, 80}) || changes != 1 {
		t.Errorf("err %v, value %+v, %d changes", err, s.Get(), changes)
	}
}

// ShowInHelp shows each flag's variable in the usage message, and only
// there.
func TestShowInHelp(t *testing.T) {
	var out bytes.Buffer
	pfs := pflag.NewFlagSet("p", pflag.ContinueOnError)
	pfs.SetOutput(&out)
	flagz.DynInt64(pfs, "rate-limit", 10, "requests per second")
	env.ShowInHelp(pfs, "MYAPP")
	if err := pfs.Parse([]string{"--help"}); !errors.Is(err, pflag.ErrHelp) {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "requests per second [$MYAPP_RATE_LIMIT]") {
		t.Errorf("pflag help:\n%s", out.String())
	}
	if u := pfs.Lookup("rate-limit").Usage; u != "requests per second" {
		t.Errorf("usage left as %q", u)
	}

	out.Reset()
	sfs := flag.NewFlagSet("s", flag.ContinueOnError)
	sfs.SetOutput(&out)
	sfs.String("listen", ":8080", "address")
	env.ShowInHelp(sfs, "MYAPP")
	if err := sfs.Parse([]string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "address [$MYAPP_LISTEN]") || sfs.Lookup("listen").Usage != "address" {
		t.Errorf("flag help:\n%s", out.String())
	}
}

// Without WithEnviron, Load reads the process's environment.
func TestLoadReadsTheProcessEnvironment(t *testing.T) {
	t.Setenv("FLAGZTEST_RATE", "7")
	fs := pflag.NewFlagSet("p", pflag.ContinueOnError)
	rate := flagz.DynInt64(fs, "rate", 1, "")
	if _, err := env.Load(fs, "FLAGZTEST", quiet()); err != nil || rate.Get() != 7 {
		t.Errorf("err %v, rate %d", err, rate.Get())
	}
}

// pflag prints its CommandLine's usage with pflag.Usage, which
// ShowInHelp wraps for it.
func TestShowInHelpCommandLine(t *testing.T) {
	prevUsage, prevOut := pflag.Usage, pflag.CommandLine.Output()
	t.Cleanup(func() { pflag.Usage = prevUsage; pflag.CommandLine.SetOutput(prevOut) })
	var out bytes.Buffer
	pflag.CommandLine.SetOutput(&out)
	pflag.Usage = func() { pflag.PrintDefaults() }
	flagz.DynInt64(pflag.CommandLine, "env-test-rate", 10, "requests per second")
	env.ShowInHelp(pflag.CommandLine, "MYAPP")
	pflag.Usage()
	if !strings.Contains(out.String(), "requests per second [$MYAPP_ENV_TEST_RATE]") {
		t.Errorf("help:\n%s", out.String())
	}
}

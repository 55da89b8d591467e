package env_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/env"
	"github.com/flagz-go/flagz/record"
	"github.com/spf13/pflag"
)

// The precedence between the command line, the environment and a runtime
// source (etcd, a ConfigMap: here a source of the engine loading once
// start-up is done), as the package documentation writes it.
func TestPrecedence(t *testing.T) {
	for _, c := range []struct {
		name          string
		dynamic       bool
		cmdline, envv string // "" for not given
		source        string
		want          string
		envResult     record.Result // of the environment's batch, when envv is given
		srcResult     record.Result
		warns         string // a warning the runtime source's batch logs
	}{
		{name: "static: command line over environment and source", cmdline: "a", envv: "b", source: "c", want: "a",
			envResult: record.CommandLine, srcResult: record.CommandLine},
		{name: "static: environment over source", envv: "b", source: "c", want: "b",
			envResult: record.Applied, srcResult: record.CommandLine, warns: "static flag set from env keeps that value"},
		{name: "static: source alone", source: "c", want: "c", srcResult: record.Applied},
		{name: "static: command line over source", cmdline: "a", source: "c", want: "a", srcResult: record.CommandLine},
		{name: "static: environment alone", envv: "b", want: "b", envResult: record.Applied},
		{name: "dynamic: command line over environment", dynamic: true, cmdline: "a", envv: "b", want: "a",
			envResult: record.CommandLine},
		{name: "dynamic: source over command line and environment", dynamic: true, cmdline: "a", envv: "b", source: "c", want: "c",
			envResult: record.CommandLine, srcResult: record.Applied, warns: "a source changed a dynamic flag given on the command line"},
		{name: "dynamic: source over environment", dynamic: true, envv: "b", source: "c", want: "c",
			envResult: record.Applied, srcResult: record.Applied, warns: "a source changed a dynamic flag set from env"},
		{name: "dynamic: environment alone", dynamic: true, envv: "b", want: "b", envResult: record.Applied},
	} {
		t.Run(c.name, func(t *testing.T) {
			fs := pflag.NewFlagSet("p", pflag.ContinueOnError)
			var get func() string
			if c.dynamic {
				v := flagz.DynString(fs, "mode", "default", "")
				get = v.Get
			} else {
				v := fs.String("mode", "default", "")
				get = func() string { return *v }
			}
			var args, environ []string
			if c.cmdline != "" {
				args = append(args, "--mode="+c.cmdline)
			}
			if c.envv != "" {
				environ = append(environ, "APP_MODE="+c.envv)
			}
			if err := fs.Parse(args); err != nil {
				t.Fatal(err)
			}
			rep, err := env.Load(fs, "APP", env.WithEnviron(environ), quiet())
			if err != nil {
				t.Fatal(err)
			}
			if o, ok := rep.Outcome("mode"); c.envv != "" && (!ok || o.Result != c.envResult) {
				t.Errorf("environment: %v, want %v", o, c.envResult)
			}
			if c.source != "" {
				var log bytes.Buffer
				src := flagz.EngineFor(fs).Source("etcd", slog.New(slog.NewTextHandler(&log, nil)))
				if o, _ := src.Load(1, map[string]string{"mode": c.source}).Outcome("mode"); o.Result != c.srcResult {
					t.Errorf("source: %v, want %v", o, c.srcResult)
				}
				if c.warns != "" && !strings.Contains(log.String(), c.warns) {
					t.Errorf("source's log lacks %q:\n%s", c.warns, log.String())
				}
			}
			if got := get(); got != c.want {
				t.Errorf("mode = %q, want %q", got, c.want)
			}
		})
	}
}

// A static flag set from the environment is held by it: a later source's
// value waits for no restart, since the environment wins then too; a
// second Load without the variable reports the restart it needs.
func TestEnvironmentReconcile(t *testing.T) {
	fs := pflag.NewFlagSet("p", pflag.ContinueOnError)
	port := fs.Int("port", 80, "")
	rate := flagz.DynInt64(fs, "rate", 1, "")
	if _, err := env.Load(fs, "APP", env.WithEnviron([]string{"APP_PORT=81", "APP_RATE=5"}), quiet()); err != nil {
		t.Fatal(err)
	}
	e := flagz.EngineFor(fs)
	e.Source("etcd", slog.New(slog.DiscardHandler)).Load(1, map[string]string{"port": "82"})
	st, _ := e.Flag("port")
	if *port != 81 || len(st.Pending) != 1 || st.Pending[0].WinsAtRestart {
		t.Errorf("port %d, pending %+v", *port, st.Pending)
	}
	rep, err := env.Load(fs, "APP", env.WithEnviron(nil), quiet())
	if o, _ := rep.Outcome("port"); o.Result != record.RestartRequired || err == nil || !strings.Contains(err.Error(), "restart") {
		t.Errorf("port: %v, err %v", o, err)
	}
	if o, _ := rep.Outcome("rate"); o.Result != record.Applied || !o.Removed || rate.Get() != 1 {
		t.Errorf("rate: %v, value %d", o, rate.Get())
	}
}

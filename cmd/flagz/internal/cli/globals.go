package cli

import (
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// Environment variables giving defaults to global flags.
const (
	EnvEndpoints = "FLAGZ_ENDPOINTS" // comma-separated, like --endpoints
	EnvPrefix    = "FLAGZ_PREFIX"
	EnvPassword  = "FLAGZ_PASSWORD" // keeps the password out of the process list
)

// Output formats of -o/--output.
const (
	outputText = "text"
	outputWide = "wide" // text, with every column of ls and status
	outputJSON = "json"
)

// globals are the flags every command takes, in the style of etcdctl.
type globals struct {
	endpoints      []string
	prefix         string
	dialTimeout    time.Duration
	commandTimeout time.Duration
	cacert         string
	cert           string
	key            string
	insecureTLS    bool
	user           string
	password       string
	output         string
}

// bindGlobals declares the global flags on fs, their defaults taken from
// the environment.
func bindGlobals(fs *pflag.FlagSet) *globals {
	g := &globals{}
	endpoints := []string{"127.0.0.1:2379"}
	if env := os.Getenv(EnvEndpoints); env != "" {
		endpoints = splitList(env)
	}
	fs.StringSliceVar(&g.endpoints, "endpoints", endpoints,
		"etcd client URLs, comma-separated (env "+EnvEndpoints+"); no user or password in them: --user and "+EnvPassword)
	fs.StringVar(&g.prefix, "prefix", os.Getenv(EnvPrefix),
		"the etcd prefix the processes' watchers were given, such as /flagz/demo (env "+EnvPrefix+"); required")
	fs.DurationVar(&g.dialTimeout, "dial-timeout", 2*time.Second,
		"how long to wait for a connection to etcd; an endpoint that cannot be reached is named with the reason")
	fs.DurationVar(&g.commandTimeout, "command-timeout", 5*time.Second,
		"how long each etcd request may take (--wait has its own limit)")
	fs.StringVar(&g.cacert, "cacert", "", "verify etcd's certificate with this CA bundle (PEM)")
	fs.StringVar(&g.cert, "cert", "", "client certificate for etcd (PEM), with --key")
	fs.StringVar(&g.key, "key", "", "client certificate's private key (PEM), with --cert")
	fs.BoolVar(&g.insecureTLS, "insecure-skip-tls-verify", false,
		"use TLS but do not verify etcd's certificate (for tests only)")
	fs.StringVar(&g.user, "user", "", "etcd user, as name or name:password")
	fs.StringVar(&g.password, "password", os.Getenv(EnvPassword),
		"etcd password, if --user has none (env "+EnvPassword+")")
	fs.StringVarP(&g.output, "output", "o", outputText,
		"output format: text for people (tables fit 120 columns), wide (text with every column, as kubectl's), json for scripts")
	return g
}

// check validates the global flags once parsed.
func (g *globals) check() error {
	g.prefix = strings.TrimSpace(g.prefix)
	switch {
	case g.prefix == "":
		return usagef("--prefix (or %s) is required: the prefix the watchers were given, such as /flagz/demo", EnvPrefix)
	case strings.Trim(g.prefix, "/") == "":
		return usagef("--prefix (or %s) %q is the root of etcd's key space, which holds every application's keys: "+
			"give the prefix the watchers were given, such as /flagz/demo", EnvPrefix, g.prefix)
	case len(g.endpoints) == 0:
		return usagef("--endpoints (or %s) is empty", EnvEndpoints)
	case g.output != outputText && g.output != outputWide && g.output != outputJSON:
		return usagef("-o/--output must be text, wide or json, got %q", g.output)
	case g.dialTimeout <= 0 || g.commandTimeout <= 0:
		return usagef("--dial-timeout and --command-timeout must be positive")
	case (g.cert == "") != (g.key == ""):
		return usagef("--cert and --key go together")
	}
	if err := checkEndpoints(g.endpoints); err != nil {
		return err
	}
	if name, pass, ok := strings.Cut(g.user, ":"); ok {
		g.user, g.password = name, pass
	}
	if g.user != "" && g.password == "" {
		return usagef("--user %s has no password (etcd's client would connect without the user): give it with %s, --password or --user name:password", g.user, EnvPassword)
	}
	return nil
}

// flagPrefix is the key prefix of the flags: "<prefix>/", as the watcher
// computes it.
func (g *globals) flagPrefix() string { return strings.TrimSuffix(g.prefix, "/") + "/" }

// flagKey is the etcd key of the flag name.
func (g *globals) flagKey(name string) string { return g.flagPrefix() + name }

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

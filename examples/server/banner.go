package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/flagz-go/flagz/examples/internal/demo"
)

// banner is what the demo prints on standard output once it serves.
type banner struct {
	baseURL   string   // http://host:port of the service, with the real port
	endpoints []string // etcd client URLs
	embedded  bool     // etcd runs inside this process
	prefix    string   // etcd prefix of the flags
}

// printBanner prints where everything is and the exact commands that change
// a flag. The labelled lines ("service", "debug page", "etcd") are stable:
// the end-to-end test reads them.
func printBanner(out io.Writer, b banner) {
	eps := strings.Join(b.endpoints, ",")
	where := "your cluster"
	if b.embedded {
		where = "embedded in this process; its data is removed on exit"
	}
	prefix := strings.TrimSuffix(b.prefix, "/")
	setFlags := "--etcd-endpoints=" + eps
	if prefix != DefaultPrefix {
		setFlags += " --etcd-prefix=" + prefix
	}
	run := runCommand()

	p := func(format string, args ...any) { fmt.Fprintf(out, format+"\n", args...) }
	p("")
	p("flagz demo: a service whose behaviour follows dynamic flags kept in etcd.")
	p("")
	demo.PrintEndpoints(out, b.baseURL, b.baseURL)
	p("  etcd        %s  (%s)", eps, where)
	p("  keys        %s/<flag-name>", prefix)
	p("")
	demo.PrintTryIt(out, b.baseURL)
	p("Change a flag while it runs (each change is logged below as it lands; GET / shows it):")
	p("")
	p("  %s set %s %s 'hello, world'", run, setFlags, demo.FlagGreeting)
	p("  %s set %s %s true", run, setFlags, demo.FlagShout)
	p("  %s set %s %s 1            # then curl / twice: 429", run, setFlags, demo.FlagRateLimit)
	p(`  %s set %s %s '{"routes":[{"prefix":"/api","backend":"api-v2:8080"}],"default":"web:8080"}'`, run, setFlags, demo.FlagRoutes)
	p("  %s set %s %s 0            # refused (range 1..%d): rolled back in etcd", run, setFlags, demo.FlagRateLimit, demo.MaxRateLimit)
	p("  %s del %s %s              # back to the default", run, setFlags, demo.FlagGreeting)
	if _, err := exec.LookPath("etcdctl"); err == nil {
		p("  etcdctl --endpoints=%s put %s/%s 'hello, world'", eps, prefix, demo.FlagGreeting)
		p("  etcdctl --endpoints=%s get --prefix %s/", eps, prefix)
	}
	p("")
	demo.PrintSetter(out, b.baseURL)
	demo.PrintReady(out)
}

// runCommand is how to run this program from the current directory: the
// README runs it from the repository's root, but from examples/ (GOWORK=off)
// the path is ./server.
func runCommand() string {
	if _, err := os.Stat(filepath.Join("examples", "server", "main.go")); err != nil {
		if _, err := os.Stat(filepath.Join("server", "main.go")); err == nil {
			return "go run ./server"
		}
	}
	return "go run ./examples/server"
}

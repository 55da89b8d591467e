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
	p("Change a flag while it runs with the flagz command (each change is logged below as it lands; GET / shows it).")
	p("Install it with: %s", flagzInstall())
	p("")
	p("  export %s=%s %s=%s", "FLAGZ_ENDPOINTS", eps, "FLAGZ_PREFIX", prefix)
	for _, c := range [][2]string{
		{"flagz ls", "every flag: type, default, value in etcd, who holds it"},
		{fmt.Sprintf("flagz set %s 'hello, world' --wait", demo.FlagGreeting), "checked, written, then waits for every process"},
		{fmt.Sprintf("flagz set %s true", demo.FlagShout), ""},
		{fmt.Sprintf("flagz set %s 1", demo.FlagRateLimit), "then curl / twice: 429"},
		{fmt.Sprintf(`flagz set %s '{"routes":[{"prefix":"/api","backend":"api-v2:8080"}],"default":"web:8080"}'`, demo.FlagRoutes), ""},
		{fmt.Sprintf("flagz set %s 0", demo.FlagRateLimit), fmt.Sprintf("refused before writing (range 1..%d): nothing written", *rateLimitMax)},
		{fmt.Sprintf("flagz del %s --wait", demo.FlagGreeting), "back to the default"},
		{"flagz status", "processes, checksums, who is behind or rejecting"},
	} {
		if c[1] == "" {
			p("  %s", c[0])
		} else {
			p("  %-40s # %s", c[0], c[1])
		}
	}
	if _, err := exec.LookPath("etcdctl"); err == nil {
		p("  etcdctl --endpoints=%s get --prefix %s/", eps, prefix)
	}
	p("")
	p("A second process on the same etcd, stricter about rate_limit and leaving in etcd what it refuses")
	p("(flagz set rate_limit 500 is refused; with --force --wait, this one rejects it, the other applies it):")
	p("")
	p("  %s --listen=127.0.0.1:0 --etcd-endpoints=%s --etcd-prefix=%s --rate-limit-max=100 --etcd-rollback=false --presence-ttl=2s", run, eps, prefix)
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

// flagzInstall is how to install the flagz command from the current
// directory: from this repository's checkout, which works today; go install
// ...@latest works only once a release is tagged (docs/releasing.md).
func flagzInstall() string {
	for _, dir := range []string{filepath.Join("cmd", "flagz"), filepath.Join("..", "cmd", "flagz")} {
		if _, err := os.Stat(filepath.Join(dir, "main.go")); err == nil {
			return "go -C " + dir + " install .   (once a release is tagged: go install github.com/flagz-go/flagz/cmd/flagz@latest)"
		}
	}
	return "go -C cmd/flagz install . from a clone of github.com/flagz-go/flagz (once a release is tagged: go install github.com/flagz-go/flagz/cmd/flagz@latest)"
}

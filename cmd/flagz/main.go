// Command flagz is the operator's command for flags kept in etcd by flagz
// watchers: it lists the flags the live processes declare, reads, writes
// and deletes their values, checks a value against every live process's
// published schema before writing it (pre-flight), and waits until every
// process has applied or rejected a write: a value a process refuses is
// never reported as merely written.
//
// Install, from a clone of github.com/flagz-go/flagz:
//
//	go -C cmd/flagz install .
//
// or, once a release is tagged (docs/releasing.md), from anywhere:
//
//	go install github.com/flagz-go/flagz/cmd/flagz@latest
//
// Usage:
//
//	flagz [global flags] <command> [flags] [arguments]
//
//	flagz ls                       every flag a live process declares
//	flagz get NAME                 the flag's value in etcd
//	flagz set NAME VALUE           pre-flight, write, wait for the processes (--if-revision, --force, --wait=D, --no-wait)
//	flagz del NAME                 delete the flag's key, wait for the processes to return to the default
//	flagz status                   the live processes: revision, checksum, rejections
//
// Global flags, in the style of etcdctl: --endpoints (or FLAGZ_ENDPOINTS),
// --prefix (or FLAGZ_PREFIX), --dial-timeout, --command-timeout, --cacert,
// --cert, --key, --insecure-skip-tls-verify, --user, --password, and
// -o/--output text|wide|json (wide: ls and status with every column).
//
// Exit codes: 0 done; 1 refused by pre-flight, lost a --if-revision race,
// rejected by a process, timed out waiting, the value did not stay in etcd
// (a refusing process rolled it back), no live process to confirm a write
// (without --force), no such key, or etcd failed (the error says why an
// endpoint cannot be reached); 2 usage error.
// See "flagz help" for the details of each command.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/flagz-go/flagz/cmd/flagz/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

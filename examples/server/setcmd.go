package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/flagz-go/flagz/examples/internal/demo"
	"github.com/spf13/pflag"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// requestTimeout bounds a set or del request.
const requestTimeout = 5 * time.Second

// runSet writes a flag's value into etcd: `set [flags] <name> <value>`.
func runSet(args []string, out io.Writer) error {
	fs, endpoints, prefix := etcdCommandFlags(cmdSet, "<flag-name> <value>",
		"writes <value> to the etcd key <prefix>/<flag-name>; running demos apply it at once")
	if err := fs.Parse(args); err != nil {
		return ignoreHelp(err)
	}
	if fs.NArg() != 2 {
		return fmt.Errorf("set: want <flag-name> <value>, got %d arguments (quote a value holding spaces)", fs.NArg())
	}
	name, value := fs.Arg(0), fs.Arg(1)
	if warning := checkValue(name, value); warning != "" {
		fmt.Fprintln(os.Stderr, "warning:", warning)
	}
	key := flagKey(*prefix, name)
	return withClient(*endpoints, func(ctx context.Context, c *clientv3.Client) error {
		resp, err := c.Put(ctx, key, value)
		if err != nil {
			return fmt.Errorf("put %s: %w", key, err)
		}
		fmt.Fprintf(out, "put %s = %q (revision %d)\n", key, value, resp.Header.Revision)
		return nil
	})
}

// runDel deletes a flag's key from etcd: `del [flags] <name>`; running demos
// return the flag to its default.
func runDel(args []string, out io.Writer) error {
	fs, endpoints, prefix := etcdCommandFlags(cmdDel, "<flag-name>",
		"deletes the etcd key <prefix>/<flag-name>; running demos return the flag to its default")
	if err := fs.Parse(args); err != nil {
		return ignoreHelp(err)
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("del: want <flag-name>, got %d arguments", fs.NArg())
	}
	key := flagKey(*prefix, fs.Arg(0))
	return withClient(*endpoints, func(ctx context.Context, c *clientv3.Client) error {
		resp, err := c.Delete(ctx, key)
		if err != nil {
			return fmt.Errorf("delete %s: %w", key, err)
		}
		fmt.Fprintf(out, "deleted %s (%d key) (revision %d)\n", key, resp.Deleted, resp.Header.Revision)
		return nil
	})
}

// etcdCommandFlags declares the flags set and del share.
func etcdCommandFlags(cmd, operands, what string) (fs *pflag.FlagSet, endpoints *[]string, prefix *string) {
	fs = pflag.NewFlagSet(cmd, pflag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: server %s [flags] %s\n\n%s\n\n%s", cmd, operands, what, fs.FlagUsages())
	}
	endpoints = fs.StringSlice("etcd-endpoints", []string{"http://127.0.0.1:2379"},
		"etcd client URLs (the demo prints its own)")
	prefix = fs.String("etcd-prefix", DefaultPrefix, "etcd prefix of the flags")
	return fs, endpoints, prefix
}

// checkValue returns why the demo would not apply value to the flag name,
// or "" if it would. The write goes ahead anyway: that is how to watch a
// rollback.
func checkValue(name, value string) string {
	fs := pflag.NewFlagSet("check", pflag.ContinueOnError)
	demo.DeclareFlags(fs)
	f := fs.Lookup(name)
	switch {
	case f == nil && pflag.CommandLine.Lookup(name) != nil:
		return fmt.Sprintf("%q is a static flag of the demo: a running demo keeps its value and reports "+
			"\"restart required\"; the next start takes it, unless --%s is given on its command line, which wins", name, name)
	case f == nil:
		return fmt.Sprintf("the demo has no flag %q (its dynamic flags: %s): it will report the key unknown and leave it",
			name, strings.Join([]string{demo.FlagGreeting, demo.FlagShout, demo.FlagRoutes, demo.FlagRateLimit}, ", "))
	case f.Value.Set(value) != nil:
		return fmt.Sprintf("%v: the demo will refuse it and roll the key back", f.Value.Set(value))
	}
	return ""
}

func flagKey(prefix, name string) string {
	return strings.TrimSuffix(prefix, "/") + "/" + name
}

// withClient connects to etcd and runs do with a bounded context.
func withClient(endpoints []string, do func(context.Context, *clientv3.Client) error) error {
	c, err := clientv3.New(clientv3.Config{Endpoints: endpoints, DialTimeout: requestTimeout, Logger: zap.NewNop()})
	if err != nil {
		return fmt.Errorf("etcd client for %v: %w", endpoints, err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	if err := do(ctx, c); err != nil {
		return fmt.Errorf("etcd %v: %w", endpoints, err)
	}
	return nil
}

func ignoreHelp(err error) error {
	if errors.Is(err, pflag.ErrHelp) {
		return nil
	}
	return err
}

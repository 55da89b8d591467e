package etcd

import (
	"context"
	"fmt"
	"log/slog"
	"testing"

	"github.com/flagz-go/flagz/watcher"
	"github.com/flagz-go/flagz/watcher/etcdtest"
	"github.com/spf13/pflag"
	clientv3 "go.etcd.io/etcd/client/v3"
)

const prefix = "/bench/flags"

// quiet drops flagz's audit log (one line per change): the raw watch logs
// nothing either.
var quiet = slog.New(slog.DiscardHandler)

// putAll writes prefix/<name> = value(i) for n flags named f00000…, in
// transactions of 100 puts (etcd allows 128 operations per transaction).
func putAll(b *testing.B, cli *clientv3.Client, n int, value func(i int) string) {
	b.Helper()
	for start := 0; start < n; start += 100 {
		var ops []clientv3.Op
		for i := start; i < min(start+100, n); i++ {
			ops = append(ops, clientv3.OpPut(key(i), value(i)))
		}
		if _, err := cli.Txn(context.Background()).Then(ops...).Commit(); err != nil {
			b.Fatal(err)
		}
	}
}

func flagName(i int) string { return fmt.Sprintf("f%05d", i) }
func key(i int) string      { return prefix + "/" + flagName(i) }

// startWatcher initializes and starts a watcher of prefix on fs.
func startWatcher(b *testing.B, fs *pflag.FlagSet, cli *clientv3.Client) *watcher.Watcher {
	b.Helper()
	w, err := watcher.New(fs, cli, prefix, watcher.WithLogger(quiet))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := w.Initialize(context.Background()); err != nil {
		b.Fatal(err)
	}
	if err := w.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(w.Stop)
	return w
}

func newServer(b *testing.B) *etcdtest.Server { return etcdtest.Start(b) }

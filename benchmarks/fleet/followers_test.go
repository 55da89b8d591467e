package fleet

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/watcher"
	"github.com/spf13/pflag"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
)

const (
	prefix   = "/bench/fleet"
	flagName = "rate" // the flag every round changes
	flagKey  = prefix + "/" + flagName
)

// rawFollower is the floor: a clientv3 watch of the same prefix on a
// client of its own, recording the value and the revision it has seen.
type rawFollower struct {
	rev      atomic.Int64 // the ModRevision of the last event seen
	rewatchs atomic.Int64 // how often the watch ended and was made again
	lastErr  atomic.Value // string: why the watch last ended
}

// startRaw starts a raw watcher of prefix on cli; it reports each value
// of flagName it sees to g as member i. If the watch ends (etcd's proxy
// cancels streams it cannot feed), it watches again from the next
// revision, as a program must. stop ends the watch.
func startRaw(cli *clientv3.Client, g *group, i int) (f *rawFollower, stop func(), err error) {
	ctx, cancel := context.WithCancel(context.Background())
	wch := cli.Watch(ctx, prefix+"/", clientv3.WithPrefix(), clientv3.WithCreatedNotify())
	created := <-wch
	if err := created.Err(); err != nil || !created.Created {
		cancel()
		return nil, nil, fmt.Errorf("raw watcher %d: watch not created: %v", i, err)
	}
	f = &rawFollower{}
	f.rev.Store(created.Header.Revision)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			for resp := range wch {
				if err := resp.Err(); err != nil {
					f.lastErr.Store(err.Error())
				}
				for _, ev := range resp.Events {
					if string(ev.Kv.Key) != flagKey {
						continue
					}
					f.rev.Store(ev.Kv.ModRevision)
					if v, err := strconv.ParseInt(string(ev.Kv.Value), 10, 64); err == nil {
						g.report(i, v)
					}
				}
			}
			if ctx.Err() != nil {
				return
			}
			f.rewatchs.Add(1)
			wch = cli.Watch(ctx, prefix+"/", clientv3.WithPrefix(), clientv3.WithRev(f.rev.Load()+1))
		}
	}()
	return f, func() { cancel(); <-done }, nil
}

// extraFlags is how many flags each follower declares besides flagName,
// so that its flag set (and, with presence, its published schema) is the
// size of a small service's: 9, or $FLEET_FLAGS - 1.
var extraFlags = func() int {
	if n, err := strconv.Atoi(os.Getenv("FLEET_FLAGS")); err == nil && n >= 1 {
		return n - 1
	}
	return 9
}()

// newFlagSet returns the flag set of follower i: flagName and
// extraFlags others. It reports to visible, as member i, each value of
// flagName once Get returns it (a notifier runs after the value is
// visible), and to applied when the engine validates it, just before it
// becomes visible (a validator runs on the watcher's goroutine: the
// notifier's hand-off excluded).
func newFlagSet(i int, visible, applied *group) *pflag.FlagSet {
	fs := pflag.NewFlagSet(fmt.Sprintf("process-%d", i), pflag.ContinueOnError)
	rate := flagz.DynInt64(fs, flagName, 0, "the value every round changes")
	rate.WithValidator(func(v int64) error {
		applied.report(i, v)
		return nil
	})
	rate.WithNotifier(func(_, v int64) { visible.report(i, v) })
	for j := range extraFlags {
		switch j % 3 {
		case 0:
			flagz.DynString(fs, fmt.Sprintf("name-%d", j), "x", "a string flag")
		case 1:
			flagz.DynDuration(fs, fmt.Sprintf("timeout-%d", j), time.Second, "a duration flag")
		default:
			flagz.DynBool(fs, fmt.Sprintf("enabled-%d", j), false, "a bool flag")
		}
	}
	return fs
}

// startFlagz starts follower i's watcher of fs on cli, logging to log.
// stop stops it.
func startFlagz(cli *clientv3.Client, fs *pflag.FlagSet, i int, log *slog.Logger, opts ...watcher.Option) (stop func(), err error) {
	w, err := watcher.New(fs, cli, prefix, append([]watcher.Option{watcher.WithLogger(log)}, opts...)...)
	if err == nil {
		_, err = w.Initialize(context.Background())
	}
	if err == nil {
		err = w.Start(context.Background())
	}
	if err != nil {
		return nil, fmt.Errorf("follower %d: %w", i, err)
	}
	return w.Stop, nil
}

// newClient returns a client of endpoint as a process would make it,
// reconnecting quickly after a failure (as etcdtest.NewClient).
func newClient(endpoint string) (*clientv3.Client, error) {
	cli, err := clientv3.New(clientv3.Config{
		Endpoints:   []string{endpoint},
		DialTimeout: 5 * time.Second,
		Logger:      zap.NewNop(),
		DialOptions: []grpc.DialOption{grpc.WithConnectParams(grpc.ConnectParams{
			Backoff:           backoff.Config{BaseDelay: 20 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: 200 * time.Millisecond},
			MinConnectTimeout: time.Second,
		})},
	})
	if err != nil {
		return nil, fmt.Errorf("client of %s: %w", endpoint, err)
	}
	return cli, nil
}

// parallel runs fn(i) for i in [0, n) on a few goroutines at a time:
// starting a thousand clients one after the other takes long, all at once
// overloads the server.
func parallel(n int, fn func(i int)) {
	const width = 16
	var wg sync.WaitGroup
	next := atomic.Int64{}
	for range min(width, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}

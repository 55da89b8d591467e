package realetcd_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/internal/wait"
	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/watcher"
	"github.com/flagz-go/flagz/watcher/etcdtest"
	"github.com/spf13/pflag"
	clientv3 "go.etcd.io/etcd/client/v3"
)

const prefix = "/svc/flags"

// waitTimeout bounds every wait for a condition. It is generous: a slow
// machine under -race must not fail a correct watcher.
const waitTimeout = 60 * time.Second

// eventually polls cond until it holds, failing the test after waitTimeout.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	wait.Until(t, waitTimeout, what, cond)
}

// testFlags is a flag set with the flags most tests use.
type testFlags struct {
	fs    *pflag.FlagSet
	rate  *flagz.DynInt64Value  // dynamic, valid range 1..1_000_000
	name  *flagz.DynStringValue // dynamic
	limit *flagz.DynInt64Value  // dynamic, never set in etcd at start
	port  *int                  // static
}

func newTestFlags() *testFlags {
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	return &testFlags{
		fs:    fs,
		rate:  flagz.DynInt64(fs, "rate", 100, "requests per second").WithValidator(flagz.ValidateDynInt64Range(1, 1_000_000)),
		name:  flagz.DynString(fs, "name", "default-name", "greeting name"),
		limit: flagz.DynInt64(fs, "limit", 10, "a limit"),
		port:  fs.Int("port", 8080, "listen port (static)"),
	}
}

// fastOptions make failures visible within a fraction of a second.
func fastOptions(extra ...watcher.Option) []watcher.Option {
	return append([]watcher.Option{
		watcher.WithLogger(quietLogger()),
		watcher.WithHealthCheck(100*time.Millisecond, time.Second),
		watcher.WithBackoff(10*time.Millisecond, 200*time.Millisecond),
	}, extra...)
}

func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func slogTo(h slog.Handler) *slog.Logger { return slog.New(h) }

// newWatcher builds a watcher and stops it when the test ends (before its
// client closes).
func newWatcher(t *testing.T, fs *pflag.FlagSet, cli *clientv3.Client, opts ...watcher.Option) *watcher.Watcher {
	t.Helper()
	w, err := watcher.New(fs, cli, prefix, opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(w.Stop)
	return w
}

// stopTwice calls Stop twice and fails the test if they have not returned
// within waitTimeout (when names the circumstances).
func stopTwice(t *testing.T, w *watcher.Watcher, when string) {
	t.Helper()
	stopped := make(chan struct{})
	go func() {
		w.Stop()
		w.Stop()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(waitTimeout):
		t.Fatalf("Stop did not return %s", when)
	}
}

// startWatcher builds, initializes and starts a watcher.
func startWatcher(t *testing.T, fs *pflag.FlagSet, cli *clientv3.Client, opts ...watcher.Option) (*watcher.Watcher, flagz.Report) {
	t.Helper()
	w := newWatcher(t, fs, cli, opts...)
	report, err := w.Initialize(context.Background())
	if err != nil {
		t.Fatalf("Initialize: %v", err)
	}
	if err := w.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	return w, report
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	t.Cleanup(cancel)
	return ctx
}

// proxiedEtcd starts etcd with a proxy in front of it. writer talks to etcd
// directly; cli, the watcher's client, goes through the proxy, which can
// cut the network while etcd keeps running.
func proxiedEtcd(t *testing.T) (proxy *etcdtest.Proxy, writer, cli *clientv3.Client) {
	t.Helper()
	srv := etcdtest.Start(t)
	proxy = etcdtest.NewProxy(t, srv)
	return proxy, srv.Client(t), etcdtest.NewClient(t, proxy.Endpoint())
}

// put writes key (relative to prefix) and returns the revision of the write.
func put(t *testing.T, cli *clientv3.Client, key, value string) int64 {
	t.Helper()
	resp, err := cli.Put(ctxT(t), prefix+"/"+key, value)
	if err != nil {
		t.Fatalf("put %s=%s: %v", key, value, err)
	}
	return resp.Header.Revision
}

func del(t *testing.T, cli *clientv3.Client, key string) int64 {
	t.Helper()
	resp, err := cli.Delete(ctxT(t), prefix+"/"+key)
	if err != nil {
		t.Fatalf("delete %s: %v", key, err)
	}
	return resp.Header.Revision
}

// get returns the value of key (relative to prefix) and whether it exists.
func get(t *testing.T, cli *clientv3.Client, key string) (string, bool) {
	t.Helper()
	resp, err := cli.Get(ctxT(t), prefix+"/"+key)
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	if len(resp.Kvs) == 0 {
		return "", false
	}
	return string(resp.Kvs[0].Value), true
}

// syncedPast writes a key no flag owns and waits until the watcher has
// applied it: every earlier event has been handled, rollbacks included.
func syncedPast(t *testing.T, cli *clientv3.Client, w *watcher.Watcher) int64 {
	t.Helper()
	rev := put(t, cli, "zz-sentinel", fmt.Sprint(time.Now().UnixNano()))
	eventually(t, fmt.Sprintf("watcher synced to revision %d", rev), func() bool {
		return w.Status().LastRevision >= rev
	})
	return rev
}

// history returns the events on key (relative to prefix) with revisions in
// (from, to].
func history(t *testing.T, cli *clientv3.Client, key string, from, to int64) []*clientv3.Event {
	t.Helper()
	ctx, cancel := context.WithCancel(ctxT(t))
	defer cancel()
	var out []*clientv3.Event
	for resp := range cli.Watch(ctx, prefix+"/", clientv3.WithPrefix(), clientv3.WithRev(from+1)) {
		if err := resp.Err(); err != nil {
			t.Fatalf("history of %s: %v", key, err)
		}
		for _, ev := range resp.Events {
			if ev.Kv.ModRevision > to {
				return out
			}
			if string(ev.Kv.Key) == prefix+"/"+key {
				out = append(out, ev)
			}
			if ev.Kv.ModRevision == to {
				return out
			}
		}
	}
	t.Fatalf("history of %s: watch ended", key)
	return nil
}

func state(w *watcher.Watcher) record.State { return w.Status().State }

// logRecorder keeps the level and message of every record logged through
// it.
type logRecorder struct {
	mu      sync.Mutex
	records []loggedRecord
}

type loggedRecord struct {
	level slog.Level
	msg   string
}

func (r *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *logRecorder) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	msg := rec.Message
	rec.Attrs(func(a slog.Attr) bool {
		msg += " " + a.String()
		return true
	})
	r.records = append(r.records, loggedRecord{rec.Level, msg})
	return nil
}
func (r *logRecorder) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *logRecorder) WithGroup(string) slog.Handler      { return r }

func (r *logRecorder) logged(substr string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.ContainsFunc(r.records, func(rec loggedRecord) bool { return strings.Contains(rec.msg, substr) })
}

// warnings returns the messages logged at level WARN or above.
func (r *logRecorder) warnings() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, rec := range r.records {
		if rec.level >= slog.LevelWarn {
			out = append(out, rec.msg)
		}
	}
	return out
}

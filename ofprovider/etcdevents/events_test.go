package etcdevents_test

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/internal/wait"
	"github.com/flagz-go/flagz/ofprovider"
	"github.com/flagz-go/flagz/watcher"
	"github.com/flagz-go/flagz/watcher/etcdtest"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/spf13/pflag"
	clientv3 "go.etcd.io/etcd/client/v3"
)

const prefix = "/svc/flags"

// waitTimeout bounds every wait: a slow machine under -race must not fail
// a correct provider.
const waitTimeout = 60 * time.Second

// events records what a client's event handlers receive.
type events struct {
	mu  sync.Mutex
	got []openfeature.EventDetails
	typ []openfeature.EventType
}

func record(t *testing.T, c *openfeature.Client) *events {
	r := &events{}
	for _, typ := range []openfeature.EventType{openfeature.ProviderReady, openfeature.ProviderConfigChange,
		openfeature.ProviderStale, openfeature.ProviderError} {
		fn := func(d openfeature.EventDetails) {
			r.mu.Lock()
			r.got, r.typ = append(r.got, d), append(r.typ, typ)
			r.mu.Unlock()
		}
		c.AddHandler(typ, &fn)
		t.Cleanup(func() { c.RemoveHandler(typ, &fn) })
	}
	return r
}

// waitFor waits for an event of type typ at a position from or later that
// satisfies match, and returns its position and details.
func (r *events) waitFor(t *testing.T, from int, typ openfeature.EventType, what string, match func(openfeature.EventDetails) bool) (int, openfeature.EventDetails) {
	t.Helper()
	at := -1
	var d openfeature.EventDetails
	wait.Until(t, waitTimeout, what, func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		for i := from; i < len(r.got); i++ {
			if r.typ[i] == typ && (match == nil || match(r.got[i])) {
				at, d = i, r.got[i]
				return true
			}
		}
		return false
	})
	return at, d
}

func put(t *testing.T, cli *clientv3.Client, key, value string) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	resp, err := cli.Put(ctx, prefix+"/"+key, value)
	if err != nil {
		t.Fatalf("put %s=%s: %v", key, value, err)
	}
	return resp.Header.Revision
}

func changes(names ...string) func(openfeature.EventDetails) bool {
	return func(d openfeature.EventDetails) bool { return slices.Equal(d.FlagChanges, names) }
}

// startWatcher follows prefix on cli for fs until the test ends.
func startWatcher(t *testing.T, fs *pflag.FlagSet, cli *clientv3.Client) *watcher.Watcher {
	t.Helper()
	w, err := watcher.New(fs, cli, prefix,
		watcher.WithLogger(slog.New(slog.DiscardHandler)),
		watcher.WithHealthCheck(100*time.Millisecond, time.Second),
		watcher.WithBackoff(10*time.Millisecond, 200*time.Millisecond))
	if err != nil {
		t.Fatalf("watcher.New: %v", err)
	}
	t.Cleanup(w.Stop)
	if _, err := w.Initialize(context.Background()); err != nil {
		t.Fatalf("Initialize: %v", err)
	}
	if err := w.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	return w
}

// serve sets p as the provider of a domain of the test's own.
func serve(t *testing.T, p *ofprovider.Provider) *openfeature.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if err := openfeature.SetNamedProviderWithContextAndWait(ctx, t.Name(), p); err != nil {
		t.Fatalf("SetNamedProviderWithContextAndWait: %v", err)
	}
	t.Cleanup(p.Shutdown)
	return openfeature.NewClient(t.Name())
}

// An etcd source through the OpenFeature client: a change is one
// PROVIDER_CONFIGURATION_CHANGED naming the flag, with the source and the
// revision in the metadata; etcd stopping makes the provider STALE (the
// last good value stays); etcd back makes it READY, and changes flow again.
func TestEtcdChangeOutageRecovery(t *testing.T) {
	srv := etcdtest.Start(t)
	writer := srv.Client(t)
	put(t, writer, "limit", "15")

	fs := pflag.NewFlagSet(t.Name(), pflag.ContinueOnError)
	flagz.DynInt64(fs, "limit", 10, "")
	flagz.DynString(fs, "mode", "safe", "")
	w := startWatcher(t, fs, srv.Client(t))
	c := serve(t, ofprovider.New(fs))
	r := record(t, c)
	ctx := context.Background()

	d, err := c.IntValueDetails(ctx, "limit", 0, openfeature.EvaluationContext{})
	if err != nil || d.Value != 15 || d.Reason != openfeature.StaticReason {
		t.Errorf("limit after the initial load: %+v, %v; want 15 STATIC", d, err)
	}

	rev := put(t, writer, "limit", "20")
	at, _ := r.waitFor(t, 0, openfeature.ProviderConfigChange, "the change of limit", changes("limit"))
	d, err = c.IntValueDetails(ctx, "limit", 0, openfeature.EvaluationContext{})
	source, _ := d.FlagMetadata.GetString("source")
	revision, _ := d.FlagMetadata.GetInt("revision")
	if err != nil || d.Value != 20 || source != w.Name() || revision != rev {
		t.Errorf("limit after the change: %+v, %v; want 20 from %s at revision %d", d, err, w.Name(), rev)
	}

	srv.Stop()
	at, stale := r.waitFor(t, at+1, openfeature.ProviderStale, "STALE while etcd is down", nil)
	if stale.Message == "" {
		t.Error("the STALE event says nothing of the source")
	}
	if c.State() != openfeature.StaleState {
		t.Errorf("client state %s while etcd is down, want STALE", c.State())
	}
	if v, err := c.IntValue(ctx, "limit", 0, openfeature.EvaluationContext{}); err != nil || v != 20 {
		t.Errorf("limit while etcd is down: %d, %v; want the last good 20", v, err)
	}

	srv.Restart()
	at, _ = r.waitFor(t, at+1, openfeature.ProviderReady, "READY once etcd is back", nil)
	if c.State() != openfeature.ReadyState {
		t.Errorf("client state %s after the recovery, want READY", c.State())
	}
	put(t, srv.Client(t), "mode", "fast")
	r.waitFor(t, at+1, openfeature.ProviderConfigChange, "the change of mode after the recovery", changes("mode"))
	if v, err := c.StringValue(ctx, "mode", "", openfeature.EvaluationContext{}); err != nil || v != "fast" {
		t.Errorf("mode after the recovery: %q, %v", v, err)
	}
}

// The network to etcd is cut (etcd keeps running): STALE, and READY again
// once it returns; what changed meanwhile arrives as one event.
func TestEtcdNetworkCut(t *testing.T) {
	srv := etcdtest.Start(t)
	proxy := etcdtest.NewProxy(t, srv)
	writer := srv.Client(t)
	put(t, writer, "limit", "15")

	fs := pflag.NewFlagSet(t.Name(), pflag.ContinueOnError)
	flagz.DynInt64(fs, "limit", 10, "")
	flagz.DynString(fs, "mode", "safe", "")
	startWatcher(t, fs, etcdtest.NewClient(t, proxy.Endpoint()))
	c := serve(t, ofprovider.New(fs))
	r := record(t, c)

	proxy.Cut()
	at, _ := r.waitFor(t, 0, openfeature.ProviderStale, "STALE while the network is cut", nil)
	put(t, writer, "limit", "30")
	put(t, writer, "mode", "fast")
	proxy.Restore()
	r.waitFor(t, at+1, openfeature.ProviderReady, "READY once the network is back", nil)
	r.waitFor(t, 0, openfeature.ProviderConfigChange, "what changed meanwhile", func(d openfeature.EventDetails) bool {
		return slices.Contains(d.FlagChanges, "limit") && slices.Contains(d.FlagChanges, "mode")
	})
	ctx := context.Background()
	if v, err := c.IntValue(ctx, "limit", 0, openfeature.EvaluationContext{}); err != nil || v != 30 {
		t.Errorf("limit after the network returned: %d, %v; want 30", v, err)
	}
}

// Evaluations through the client while etcd changes the flags (under
// -race).
func TestEtcdConcurrentEvaluation(t *testing.T) {
	srv := etcdtest.Start(t)
	writer := srv.Client(t)
	fs := pflag.NewFlagSet(t.Name(), pflag.ContinueOnError)
	flagz.DynInt64(fs, "limit", 0, "")
	startWatcher(t, fs, srv.Client(t))
	c := serve(t, ofprovider.New(fs))
	ctx := context.Background()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				runtime.Gosched() // the machine may have two cores: let the writes through
				if v, err := c.IntValue(ctx, "limit", -1, openfeature.EvaluationContext{}); err != nil || v < 0 || v > 30 {
					t.Errorf("limit %d, %v", v, err)
					return
				}
			}
		})
	}
	for i := range 30 {
		put(t, writer, "limit", fmt.Sprint(i+1))
	}
	wait.Until(t, waitTimeout, "limit = 30", func() bool {
		v, _ := c.IntValue(ctx, "limit", -1, openfeature.EvaluationContext{})
		return v == 30
	})
	close(stop)
	wg.Wait()
}

package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz/debug"
	"github.com/flagz-go/flagz/examples/internal/demo"
	"github.com/flagz-go/flagz/examples/internal/demotest"
	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// TestEndToEnd builds examples/server, runs it as a user would (its
// embedded etcd, --listen=127.0.0.1:0), and drives it through etcd only:
// a change shows on the debug page and in the service's answers, a bad value
// is rolled back in etcd, a deleted key returns the default, SIGTERM stops
// it with exit code 0 and the embedded etcd's data directory removed.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the demo binary")
	}
	bin := demotest.Build(t, ".", raceEnabled)
	p := demotest.Start(t, bin, "--listen=127.0.0.1:0")
	if p.DebugURL != p.BaseURL+debug.Path {
		t.Errorf("debug page printed as %s, want %s", p.DebugURL, p.BaseURL+debug.Path)
	}
	e := &etcdKeys{t: t, c: newClient(t, p.Field(t, "etcd"))}

	// A generous rate limit first, so that polling GET / is not limited.
	e.put(demo.FlagRateLimit, "1000")
	p.WaitFor(t, "rate_limit=1000 on the page and in GET /", func() (bool, string) {
		return p.Flag(t, demo.FlagRateLimit).Value == "1000" && p.Status(t).RateLimit == 1000, p.Describe(t)
	})

	t.Run("change applies", func(t *testing.T) {
		e.put(demo.FlagGreeting, "hello from e2e")
		e.put(demo.FlagShout, "true")
		p.WaitFor(t, "greeting and shout on the page and in GET /", func() (bool, string) {
			st := p.Status(t)
			return p.Flag(t, demo.FlagGreeting).Value == "hello from e2e" &&
				p.Flag(t, demo.FlagShout).Value == "true" &&
				st.Greeting == "HELLO FROM E2E" && st.Shout, p.Describe(t)
		})
		e.put(demo.FlagRoutes, `{"routes":[{"prefix":"/api","backend":"api-v2:8080"}],"default":"web:8080"}`)
		p.WaitFor(t, "the new routing table in GET /route/", func() (bool, string) {
			var got demo.RouteAnswer
			code := p.GetJSON(t, "/route/api/users", &got)
			return code == http.StatusOK && got.Backend == "api-v2:8080", fmt.Sprintf("%d %+v", code, got)
		})
	})

	t.Run("rate limit bites", func(t *testing.T) {
		e.put(demo.FlagRateLimit, "1")
		p.WaitFor(t, "429 once rate_limit=1", func() (bool, string) {
			code := p.GetJSON(t, "/", nil)
			return code == http.StatusTooManyRequests, fmt.Sprint("GET / answered ", code)
		})
		e.put(demo.FlagRateLimit, "1000")
		p.WaitFor(t, "rate_limit=1000 again", func() (bool, string) {
			return p.Status(t).RateLimit == 1000, p.Describe(t)
		})
	})

	t.Run("bad value rolled back", func(t *testing.T) {
		badRev := e.put(demo.FlagRateLimit, "0")
		p.WaitFor(t, "the key rolled back to 1000 in etcd", func() (bool, string) {
			kv := e.get(demo.FlagRateLimit)
			return kv != nil && string(kv.Value) == "1000" && kv.ModRevision > badRev, fmt.Sprint(kv)
		})
		f := p.Flag(t, demo.FlagRateLimit)
		if f.Value != "1000" || f.LastRejection == nil || f.LastRejection.Value != "0" || f.LastRejection.Revision != badRev {
			t.Errorf("rate_limit on the page = %+v (rejection %+v), want 1000 kept and 0 rejected at revision %d", f, f.LastRejection, badRev)
		}
		if st := p.Status(t); st.RateLimit != 1000 {
			t.Errorf("GET / rate_limit = %d, want 1000 kept", st.RateLimit)
		}
	})

	t.Run("delete returns the default", func(t *testing.T) {
		e.del(demo.FlagGreeting)
		e.del(demo.FlagShout)
		p.WaitFor(t, "the default greeting back", func() (bool, string) {
			st := p.Status(t)
			return p.Flag(t, demo.FlagGreeting).Value == demo.DefaultGreeting &&
				st.Greeting == demo.DefaultGreeting && !st.Shout, p.Describe(t)
		})
	})

	t.Run("second process on the same etcd", func(t *testing.T) {
		// --etcd-endpoints: no embedded etcd; the first demo's serves both.
		q := demotest.Start(t, bin, "--listen=127.0.0.1:0", "--etcd-endpoints="+p.Field(t, "etcd"))
		if !strings.Contains(q.Banner(), "your cluster") || strings.Contains(q.Log(), "embedded etcd started") {
			t.Errorf("with --etcd-endpoints the demo started an embedded etcd:\n%s", q.Banner())
		}
		if got := q.Status(t).RateLimit; got != 1000 {
			t.Errorf("second process: rate_limit = %d, want 1000 read from etcd at start", got)
		}
		e.put(demo.FlagGreeting, "to the fleet")
		for _, d := range []*demotest.Process{p, q} {
			d.WaitFor(t, "the greeting in both processes", func() (bool, string) {
				return d.Status(t).Greeting == "to the fleet", d.Describe(t)
			})
		}
		q.Stop(t)
	})

	e.c.Close()
	p.Stop(t)
	m := regexp.MustCompile(`data_dir=(\S+)`).FindStringSubmatch(p.Log())
	if m == nil {
		t.Fatal("the demo did not log its etcd data directory")
	}
	if _, err := os.Stat(m[1]); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("etcd data directory %s still there after exit: %v", m[1], err)
	}
}

func newClient(t *testing.T, endpoint string) *clientv3.Client {
	t.Helper()
	c, err := clientv3.New(clientv3.Config{Endpoints: []string{endpoint}, DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// etcdKeys reads and writes the demo's keys, failing the test on error.
type etcdKeys struct {
	t *testing.T
	c *clientv3.Client
}

func (e *etcdKeys) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(e.t.Context(), demotest.WaitTimeout)
}

func (e *etcdKeys) put(name, value string) (revision int64) {
	e.t.Helper()
	ctx, cancel := e.ctx()
	defer cancel()
	resp, err := e.c.Put(ctx, flagKey(DefaultPrefix, name), value)
	if err != nil {
		e.t.Fatalf("put %s: %v", name, err)
	}
	return resp.Header.Revision
}

func (e *etcdKeys) del(name string) {
	e.t.Helper()
	ctx, cancel := e.ctx()
	defer cancel()
	if _, err := e.c.Delete(ctx, flagKey(DefaultPrefix, name)); err != nil {
		e.t.Fatalf("delete %s: %v", name, err)
	}
}

// get returns the key of the flag name, or nil if it does not exist.
func (e *etcdKeys) get(name string) *mvccpb.KeyValue {
	e.t.Helper()
	ctx, cancel := e.ctx()
	defer cancel()
	resp, err := e.c.Get(ctx, flagKey(DefaultPrefix, name))
	if err != nil {
		e.t.Fatalf("get %s: %v", name, err)
	}
	if len(resp.Kvs) == 0 {
		return nil
	}
	return resp.Kvs[0]
}

// flagKey is the etcd key of the demo's flag name under prefix.
func flagKey(prefix, name string) string {
	return strings.TrimSuffix(prefix, "/") + "/" + name
}

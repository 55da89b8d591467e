package cli

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/server/v3/embed"

	"github.com/flagz-go/flagz/debug"
	"github.com/flagz-go/flagz/monitoring"
	"github.com/flagz-go/flagz/watcher"
	"github.com/flagz-go/flagz/watcher/etcdtest"
	"github.com/flagz-go/flagz/watcher/presence"
)

// problemLogs counts the records logged about each problem, by level.
type problemLogs struct {
	mu     sync.Mutex
	counts map[string]int // "presence WARN"
}

func (h *problemLogs) Enabled(context.Context, slog.Level) bool { return true }
func (h *problemLogs) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *problemLogs) WithGroup(string) slog.Handler            { return h }
func (h *problemLogs) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "problem" {
			h.mu.Lock()
			if h.counts == nil {
				h.counts = map[string]int{}
			}
			h.counts[a.Value.String()+" "+r.Level.String()]++
			h.mu.Unlock()
		}
		return true
	})
	return nil
}

func (h *problemLogs) count(key string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.counts[key]
}

// problemMetric returns the value of flagz_source_problem for the problem
// called name, and whether the series exists.
func problemMetric(t *testing.T, reg *prometheus.Registry, name string) (float64, bool) {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "flagz_source_problem" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "problem" && l.GetValue() == name {
					return m.GetGauge().GetValue(), true
				}
			}
		}
	}
	return 0, false
}

// observed is a process with its debug page and metrics.
type observed struct {
	*process
	page string // the debug page's URL
	reg  *prometheus.Registry
}

func observe(t *testing.T, p *process) observed {
	t.Helper()
	srv := httptest.NewServer(debug.NewHandler(p.fs, debug.WithLogger(slog.New(slog.DiscardHandler))))
	t.Cleanup(srv.Close)
	reg := prometheus.NewRegistry()
	if _, err := monitoring.Register(reg, p.fs); err != nil {
		t.Fatal(err)
	}
	return observed{process: p, page: srv.URL, reg: reg}
}

// shows reports whether the process shows the problem called name on its
// page (HTML and JSON) and in its metric, and says what it saw.
func (o observed) shows(t *testing.T, name string) (bool, string) {
	html := httpGet(t, o.page, "text/html")
	js := httpGet(t, o.page+"?format=json", "application/json")
	v, ok := problemMetric(t, o.reg, name)
	onPage := strings.Contains(html, `data-problem="`+name+`"`) &&
		strings.Contains(strings.ReplaceAll(js, " ", ""), `"problems":[{"name":"`+name+`"`)
	return onPage && ok && v == 1, html
}

// gone reports whether the process shows no problem called name anywhere.
func (o observed) gone(t *testing.T, name string) (bool, string) {
	html := httpGet(t, o.page, "text/html")
	_, ok := problemMetric(t, o.reg, name)
	return !ok && !strings.Contains(html, `data-problem="`+name+`"`), html
}

// A process whose presence record etcd stops taking (its role loses write
// on the record's key) keeps serving values and shows the problem
// "presence" on its page and in its metric, logged once however many
// retries fail; flagz status shows its record as stale once it is older
// than its refresh period allows. When the role may write again, the
// record is written, the problem ends everywhere (logged once) and status
// sees the process current.
func TestPresenceProblemShowsEverywhere(t *testing.T) {
	eps := []string{startEmbeddedEtcd(t, "http", func(cfg *embed.Config) { cfg.BcryptCost = 4 })}
	root := etcdtest.NewClient(t, eps...)
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	defer cancel()
	statusKey := presence.Key(testPrefix, "web-1")
	readwrite := clientv3.PermissionType(clientv3.PermReadWrite)
	for _, step := range []func() error{
		func() error { _, err := root.UserAdd(ctx, "root", "secret"); return err },
		func() error { _, err := root.UserGrantRole(ctx, "root", "root"); return err },
		func() error { _, err := root.RoleAdd(ctx, "web-1"); return err },
		func() error { _, err := root.UserAdd(ctx, "web-1", "pw"); return err },
		func() error { _, err := root.UserGrantRole(ctx, "web-1", "web-1"); return err },
		func() error {
			_, err := root.RoleGrantPermission(ctx, "web-1", testPrefix+"/", clientv3.GetPrefixRangeEnd(testPrefix+"/"),
				clientv3.PermissionType(clientv3.PermRead))
			return err
		},
		func() error { _, err := root.RoleGrantPermission(ctx, "web-1", statusKey, "", readwrite); return err },
		func() error {
			_, err := root.RoleGrantPermission(ctx, "web-1", presence.InfoKey(testPrefix, "web-1"), "", readwrite)
			return err
		},
		func() error { _, err := root.AuthEnable(ctx); return err },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	admin := authClient(t, eps, "root:secret")
	logs := &problemLogs{}
	p := observe(t, startProcess(t, eps, processOptions{id: "web-1", user: "web-1:pw", presenceTTL: time.Minute,
		logger: slog.New(logs), options: []watcher.Option{watcher.WithPresenceRefresh(time.Second)}}))
	status := func() result { return flagzAt(t, eps, "status", "--user=root:secret") }
	eventually(t, "the process live and current", func() (bool, string) {
		r := status()
		return r.code == ExitOK && strings.Contains(r.stdout, "1 live process") && !strings.Contains(r.stdout, "stale"), r.String()
	})

	if _, err := admin.RoleRevokePermission(ctx, "web-1", statusKey, ""); err != nil {
		t.Fatal(err)
	}
	rev := put(t, admin, "rate", "7")
	eventually(t, "the problem on the page and in the metric", func() (bool, string) { return p.shows(t, watcher.ProblemPresence) })
	if p.rate.Get() != 7 {
		t.Errorf("rate = %d, want 7: the problem must not stop the values", p.rate.Get())
	}
	if pr := p.w.Status().Problems; len(pr) != 1 || !strings.Contains(pr[0].Err, "permission denied") || pr[0].Since.IsZero() {
		t.Errorf("Status().Problems = %+v, want presence, permission denied", pr)
	}
	var stale result
	eventually(t, "flagz status: the record stale", func() (bool, string) {
		stale = status()
		return strings.Contains(stale.stdout, "stale: web-1: presence not refreshed since") &&
			strings.Contains(stale.stdout, "it refreshes every 1s"), stale.String()
	})
	t.Log(stale)
	// Many attempts have failed by now (the record is 7s old, the
	// retries back off from 100ms): one warning.
	if n := logs.count("presence WARN"); n != 1 {
		t.Errorf("%d warnings of the presence problem, want 1", n)
	}

	if _, err := admin.RoleGrantPermission(ctx, "web-1", statusKey, "", readwrite); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the problem gone from the page and the metric", func() (bool, string) { return p.gone(t, watcher.ProblemPresence) })
	eventually(t, "flagz status: current again", func() (bool, string) {
		var st statusOutput
		r := flagzAt(t, eps, "status", "--user=root:secret", "-o", "json")
		decode(t, r, &st)
		return len(st.Processes) == 1 && !st.Processes[0].Stale && st.Processes[0].Revision >= rev, r.String()
	})
	if w, i := logs.count("presence WARN"), logs.count("presence INFO"); w != 1 || i != 1 {
		t.Errorf("logged the presence problem %d times as a warning and %d as info, want once each", w, i)
	}
}

// A process that publishes its record lists its source's problems in it:
// flagz status shows a snapshot file it cannot write, and stops when the
// file's directory appears.
func TestStatusShowsAProcessProblem(t *testing.T) {
	srv, _ := etcd(t)
	eps := []string{srv.Endpoint()}
	dir := filepath.Join(t.TempDir(), "later")
	p := observe(t, startProcess(t, eps, processOptions{id: "web-2",
		options: []watcher.Option{watcher.WithSnapshotFile(filepath.Join(dir, "flags.snapshot"))}}))
	eventually(t, "flagz status: the snapshot problem", func() (bool, string) {
		r := flagzAt(t, eps, "status")
		return strings.Contains(r.stdout, "problem: web-2: snapshot since ") &&
			strings.Contains(r.stdout, "cannot save the snapshot file "+dir), r.String()
	})
	eventually(t, "the problem on the page and in the metric", func() (bool, string) { return p.shows(t, "snapshot") })
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	eventually(t, "flagz status: no problem", func() (bool, string) {
		var st statusOutput
		r := flagzAt(t, eps, "status", "-o", "json")
		decode(t, r, &st)
		return len(st.Processes) == 1 && len(st.Processes[0].Problems) == 0, r.String()
	})
	eventually(t, "the problem gone from the page and the metric", func() (bool, string) { return p.gone(t, "snapshot") })
}

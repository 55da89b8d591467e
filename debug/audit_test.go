package debug_test

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/debug"
)

// recorder is a slog.Handler keeping every record's message and attributes.
type recorder struct {
	mu      sync.Mutex
	records []logRecord
}

type logRecord struct {
	level slog.Level
	msg   string
	attrs map[string]string
}

func (r *recorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *recorder) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *recorder) WithGroup(string) slog.Handler            { return r }
func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	lr := logRecord{level: rec.Level, msg: rec.Message, attrs: map[string]string{}}
	rec.Attrs(func(a slog.Attr) bool {
		lr.attrs[a.Key] = a.Value.String()
		return true
	})
	r.mu.Lock()
	r.records = append(r.records, lr)
	r.mu.Unlock()
	return nil
}

// about returns the records naming flag.
func (r *recorder) about(flag string) []logRecord {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []logRecord
	for _, rec := range r.records {
		if rec.attrs["flag"] == flag && strings.HasPrefix(rec.msg, "flagz: ") {
			out = append(out, rec)
		}
	}
	return out
}

func TestAuditLogRecordsEachChangeOnce(t *testing.T) {
	rec := &recorder{}
	logger := slog.New(rec)
	f := newFixture(t, debug.WithSetter(tokenAuthorizer), debug.WithLogger(logger))
	flagz.DynString(f.fs, "token", "t0", "secret token").WithSensitive()

	etcd := flagz.EngineFor(f.fs).Source("etcd", logger)
	etcd.Update(10, map[string]string{"rate": "300", "token": "t-secret-1"})
	etcd.Update(11, map[string]string{"rate": "300"}) // unchanged: no line
	etcd.Update(12, map[string]string{"rate": "0"})   // out of range: rejected
	etcd.Update(13, map[string]string{"port": "1"})   // static after start
	etcd.Remove(14, "rate")
	if status, _, res := post(t, f, http.MethodPost, form("rate", "42"), "X-Token", "let-me-in"); status != http.StatusOK {
		t.Fatalf("set: %d %+v", status, res)
	}

	want := []map[string]string{
		{"msg": "flagz: flag changed", "source": "etcd", "revision": "10", "old": "100", "new": "300", "removed": "false"},
		{"msg": "flagz: value rejected, last good value kept", "source": "etcd", "revision": "12", "value": "0"},
		{"msg": "flagz: flag changed", "source": "etcd", "revision": "14", "old": "300", "new": "100", "removed": "true"},
		{"msg": "flagz: flag changed", "source": "debug", "revision": "0", "old": "100", "new": "42"},
	}
	got := rec.about("rate")
	if len(got) != len(want) {
		t.Fatalf("%d log lines about rate, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		for k, v := range w {
			have := got[i].attrs[k]
			if k == "msg" {
				have = got[i].msg
			}
			if have != v {
				t.Errorf("line %d about rate: %s = %q, want %q (%+v)", i, k, have, v, got[i])
			}
		}
	}
	if reason := got[1].attrs["reason"]; !strings.Contains(reason, "not in range") {
		t.Errorf("rejection logged without its reason: %q", reason)
	}
	if got[1].level != slog.LevelWarn {
		t.Errorf("rejection logged at %v, want WARN", got[1].level)
	}
	if port := rec.about("port"); len(port) != 1 || !strings.Contains(port[0].msg, "restart required") {
		t.Errorf("static change logged as %+v", port)
	}
	tok := rec.about("token")
	if len(tok) != 1 || tok[0].attrs["old"] != flagz.Redacted || tok[0].attrs["new"] != flagz.Redacted {
		t.Errorf("sensitive change logged as %+v, want old and new %q", tok, flagz.Redacted)
	}
}

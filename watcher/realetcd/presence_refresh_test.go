package realetcd_test

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz/watcher"
	"github.com/flagz-go/flagz/watcher/etcdtest"
	"github.com/flagz-go/flagz/watcher/presence"
)

// A quiet process writes its status again every refresh period, which the
// record gives: its Updated moves while nothing changes, so a reader can
// tell a record that is not refreshed (presence.Record.Stale).
func TestPresenceRefreshedWithoutChanges(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	startWatcher(t, newTestFlags().fs, cli, presenceOptions("proc-1", watcher.WithPresenceRefresh(time.Second))...)
	first := awaitRecord(t, cli, "proc-1", "serving", func(r presence.Record) bool { return r.State == "SERVING" })
	if first.RefreshSeconds != 1 {
		t.Errorf("RefreshSeconds = %d, want 1", first.RefreshSeconds)
	}
	second := awaitRecord(t, cli, "proc-1", "written again", func(r presence.Record) bool { return r.Updated.After(first.Updated) })
	awaitRecord(t, cli, "proc-1", "written a third time", func(r presence.Record) bool { return r.Updated.After(second.Updated) })
	if rec := records(t, cli)["proc-1"]; rec.Stale(time.Now()) {
		t.Errorf("a refreshed record is stale: updated %v", rec.Updated)
	}
}

// While the presence client cannot reach etcd, the watcher has the
// problem "presence" (logged once, however many attempts fail), and the
// flags keep following etcd; once it is reachable, the record is written
// and the problem ends (logged once).
func TestPresenceUnreachableIsAProblem(t *testing.T) {
	proxy, writer, cut := proxiedEtcd(t)
	f := newTestFlags()
	logs := &logRecorder{}
	w, _ := startWatcher(t, f.fs, writer, presenceOptions("proc-1", watcher.WithPresenceClient(cut),
		watcher.WithLogger(slogTo(logs)), watcher.WithHealthCheck(time.Second, 300*time.Millisecond))...)
	awaitRecord(t, writer, "proc-1", "up", atRevision(0))

	proxy.Cut()
	var rev int64
	for i := range 5 {
		rev = put(t, writer, "rate", fmt.Sprint(100+i))
	}
	eventually(t, "the problem", func() bool {
		p := w.Status().Problems
		return len(p) == 1 && p[0].Name == watcher.ProblemPresence && p[0].Err != ""
	})
	since := w.Status().Problems[0].Since
	eventually(t, "the cut-off record expires", func() bool { // a TTL (1s) of failed attempts, backing off from 10ms
		_, ok := records(t, writer)["proc-1"]
		return !ok
	})
	if f.rate.Get() != 104 {
		t.Errorf("rate = %d, want 104", f.rate.Get())
	}
	if p := w.Status().Problems; len(p) != 1 || !p[0].Since.Equal(since) {
		t.Errorf("problems %+v, want the one since %v", p, since)
	}
	proxy.Restore()
	awaitRecord(t, writer, "proc-1", "back at the latest revision", atRevision(rev))
	eventually(t, "the problem ended", func() bool { return len(w.Status().Problems) == 0 })
	if n := logs.count("problem=presence", slog.LevelWarn); n != 1 {
		t.Errorf("%d warnings of the problem, want 1", n)
	}
	if n := logs.count("problem=presence", slog.LevelInfo); n != 1 {
		t.Errorf("%d infos of the problem's end, want 1", n)
	}
}

// count returns how many records at level hold substr.
func (r *logRecorder) count(substr string, level slog.Level) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, rec := range r.records {
		if rec.level == level && strings.Contains(rec.msg, substr) {
			n++
		}
	}
	return n
}

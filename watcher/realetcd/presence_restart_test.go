package realetcd_test

import (
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/watcher"
	"github.com/flagz-go/flagz/watcher/etcdtest"
	"github.com/flagz-go/flagz/watcher/presence"
)

// What a process refused outlives a restart of its watcher (Stop, then
// Start): the record written after it still lists the refusal of a bad
// value (rolled back since) and the static change that waits for a
// restart, though the last batch before the Stop was a good one.
func TestPresenceRefusalsOutliveStopAndStart(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	w, _ := startWatcher(t, newTestFlags().fs, cli, presenceOptions("proc-1")...)
	bad := put(t, cli, "rate", "-5")
	static := put(t, cli, "port", "9090")
	last := put(t, cli, "name", "applied last")
	awaitRecord(t, cli, "proc-1", "the last change", atRevision(last))

	w.Stop()
	if err := w.Start(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	rec := awaitRecord(t, cli, "proc-1", "back after the restart", func(r presence.Record) bool {
		return r.State == "SERVING" && r.Revision >= last
	})
	if rej, ok := rec.Refusal("rate", bad); !ok || rej.Value != "-5" {
		t.Errorf("refusal of rate at %d after the restart: %+v, %v; want it kept in Refused (%+v)", bad, rej, ok, rec.Refused)
	}
	awaitingRestart(t, rec, static)
}

// A static change that waits for a restart stays a rejection when the
// watcher lists the prefix again (after an outage), which finds it
// unchanged.
func TestPresenceRestartRequiredOutlivesARelist(t *testing.T) {
	proxy, writer, cli := proxiedEtcd(t)
	w, _ := startWatcher(t, newTestFlags().fs, cli, presenceOptions("proc-1",
		watcher.WithPresenceClient(writer), watcher.WithHealthCheck(100*time.Millisecond, time.Second))...)
	static := put(t, writer, "port", "9090")
	awaitingRestart(t, awaitRecord(t, writer, "proc-1", "the static change", atRevision(static)), static)

	proxy.Cut()
	eventually(t, "DEGRADED", func() bool { return state(w) == record.StateDegraded })
	proxy.Restore()
	rev := put(t, writer, "name", "after the outage")
	awaitingRestart(t, awaitRecord(t, writer, "proc-1", "serving again", func(r presence.Record) bool {
		return r.State == "SERVING" && r.Revision >= rev
	}), static)
}

func awaitingRestart(t *testing.T, rec presence.Record, rev int64) {
	t.Helper()
	if rej, ok := rec.Rejection("port"); !ok || rej.Revision != rev || !strings.Contains(rej.Reason, "restart") {
		t.Errorf("rejection of static port: %+v, %v; want the one of revision %d, waiting for a restart (%+v)", rej, ok, rev, rec.Rejections)
	}
}

package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz/watcher/presence"
)

// A record older than twice its refresh period (and the margin) is
// stale: status says so, with since when, and the fleet is not
// converged; a record of an older build (no period) never is. The
// problems records list are printed by process; a checksum is printed
// with the number the metric carries.
func TestStatusStaleAndProblems(t *testing.T) {
	at := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	rec := func(id string, refresh int64, problems ...presence.Problem) presence.Record {
		r := recordOf(id, serviceFlags(100))
		r.Revision, r.Checksum, r.Updated, r.RefreshSeconds, r.Problems = 5, "ca2edb3344ff8864", at, refresh, problems
		return r
	}
	f := newFleet([]presence.Record{
		rec("fresh", 600, presence.Problem{Name: "snapshot", Error: "cannot save the snapshot file /x: no such file", Since: at}),
		rec("old-build", 0),
		rec("silent", 1),
	}, nil, 5)
	keys := flagKeys{byName: map[string]keyView{}, revision: 5}
	st := fleetStatus(f, keys, at.Add(time.Minute))
	stale := map[string]bool{}
	for _, p := range st.Processes {
		stale[p.ID] = p.Stale
		if p.ChecksumMetric != 7113683036053489 {
			t.Errorf("%s: checksum_metric %d, want 7113683036053489", p.ID, p.ChecksumMetric)
		}
	}
	if !stale["silent"] || stale["fresh"] || stale["old-build"] || st.Converged {
		t.Errorf("stale = %v, converged %v; want silent only, not converged", stale, st.Converged)
	}
	var out lockedBuffer
	printStatus(&session{stdout: &out, g: &globals{}}, st, nil)
	for _, want := range []string{
		"checksum ca2edb3344ff8864 (metric 7113683036053489)", "3 processes agree",
		"stale: silent: presence not refreshed since ", "(it refreshes every 1s): the process cannot publish its record",
		"ago, stale",
		"problem: fresh: snapshot since ", ": cannot save the snapshot file /x: no such file",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("status text does not say %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "converged:") {
		t.Errorf("status says converged with a stale process:\n%s", out.String())
	}
}

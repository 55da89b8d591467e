package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz/watcher/presence"
)

// ls and status from records: who applied the key's value, who rejects
// it, who is behind; which checksums agree; what is not converged.
func TestFleetViews(t *testing.T) {
	at := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	rec := func(id string, rev int64, checksum string, rejections ...presence.Rejection) presence.Record {
		r := recordOf(id, serviceFlags(100))
		r.Revision, r.Checksum, r.Rejections, r.Updated = rev, checksum, rejections, at
		r.Values = map[string]string{"rate": "50"}
		return r
	}
	f := newFleet([]presence.Record{
		rec("a", 12, "c1"),
		rec("b", 12, "c2", presence.Rejection{Flag: "rate", Revision: 10, Reason: "too big", At: at}),
		rec("c", 9, "c1"),
	}, nil, 0)
	keys := flagKeys{byName: map[string]keyView{"rate": {Name: "rate", Exists: true, Value: "50", ModRevision: 10}}, revision: 12, latest: 10}

	rows := lsRows(f, keys)
	var rate lsFlag
	for _, r := range rows {
		if r.Name == "rate" {
			rate = r
		}
	}
	if h := rate.Holders; h.Applied != 1 || h.Rejected != 1 || h.Behind != 1 || h.Declaring != 3 || h.Values["50"] != 3 {
		t.Errorf("rate holders = %+v, want 1 applied, 1 rejected, 1 behind", h)
	}
	if got := rate.Holders.String(); got != "1 applied, 1 rejected, 1 behind" {
		t.Errorf("holders text %q", got)
	}

	st := fleetStatus(f, keys)
	if st.Converged || st.LatestWrite != 10 || len(st.Checksums) != 2 || len(st.Checksums[0].Processes) != 2 {
		t.Errorf("status = %+v, want not converged, c1 held by 2 first", st)
	}
	behind := map[string]bool{}
	for _, p := range st.Processes {
		behind[p.ID] = p.Behind
	}
	if !behind["c"] || behind["a"] || behind["b"] {
		t.Errorf("behind = %v, want c only", behind)
	}
	var out lockedBuffer
	printStatus(&session{stdout: &out}, st, nil)
	for _, want := range []string{"3 live processes", "checksum c1", "2 processes agree", "1 process: b",
		"behind: c at revision 9 < 10", "rejecting: b refuses rate (revision 10) since", "too big"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("status text does not say %q:\n%s", want, out.String())
		}
	}
}

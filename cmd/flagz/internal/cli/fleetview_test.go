package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz"
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

	st := fleetStatus(f, keys, at.Add(time.Second))
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

// A flag one build marks sensitive and another does not: the fleet keeps
// nothing of its value from the other build (value, default, refusal's
// value and reason), and keeps the reason of the build that marks it, which
// holds nothing of the value; the record it was given is not changed.
func TestFleetRedactsWhatAnyProcessMarksSensitive(t *testing.T) {
	fs := serviceFlags(100)
	plain := recordOf("old", fs)
	for i := range plain.Flags {
		if plain.Flags[i].Name == "token" {
			plain.Flags[i].Sensitive, plain.Flags[i].Default = false, "sk-default-s3cret"
		}
	}
	plain.Values = map[string]string{"token": "sk-s3cret", "rate": "5"}
	plain.Rejections = []presence.Rejection{{Flag: "token", Revision: 3, Value: "bad-s3cret", Reason: `value "bad-s3cret" does not match`}}
	marked := recordOf("new", fs)
	marked.Rejections = []presence.Rejection{{Flag: "token", Revision: 3, Reason: "failed ValidateDynStringMatchesRegex(^sk-)"}}

	f := newFleet([]presence.Record{plain, marked}, nil, 3)
	if !f.sensitive("token") || f.sensitive("rate") {
		t.Fatal("token is not sensitive in the fleet, or rate is")
	}
	old, fresh := f.records[0], f.records[1]
	if s, _ := old.Flag("token"); s.Default != flagz.Redacted || old.Values["token"] != "" || old.Values["rate"] != "5" {
		t.Errorf("old build's record keeps the value: %+v", old)
	}
	if rj := old.Rejections[0]; rj.Value != "" || rj.Reason != flagz.Redacted {
		t.Errorf("old build's refusal: %+v", rj)
	}
	if rj := fresh.Rejections[0]; rj.Reason != marked.Rejections[0].Reason {
		t.Errorf("the marking build's own reason was not kept: %+v", rj)
	}
	if plain.Values["token"] != "sk-s3cret" || plain.Rejections[0].Value != "bad-s3cret" {
		t.Error("newFleet changed the record it was given")
	}
	for _, row := range lsRows(f, flagKeys{byName: map[string]keyView{}}) {
		if row.Name == "token" && (len(row.Holders.Values) != 0 || strings.Join(row.Defaults, ",") != flagz.Redacted) {
			t.Errorf("ls row of token: %+v", row)
		}
	}
}

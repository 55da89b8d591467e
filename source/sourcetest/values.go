package sourcetest

import (
	"strings"
	"testing"

	"github.com/flagz-go/flagz/record"
)

// The initial load sets dynamic and static flags, reports each bad entry by
// name and applies all good ones, and ignores unknown names.
func testInitialLoad(t *testing.T, h Harness) {
	f := newFlags(t)
	h.Set(t, map[string]string{
		"rate": "20", "name": "loaded", "listen": ":9090",
		"limit": "not-a-number", "from_a_newer_binary": "1",
	})
	s := newSource(t, h, f)
	report := initialize(t, s)
	outcome(t, report, "rate", record.Applied)
	outcome(t, report, "listen", record.Applied)
	outcome(t, report, "from_a_newer_binary", record.Unknown)
	if o := outcome(t, report, "limit", record.Rejected); !isValueError(o.Err, "limit") {
		t.Errorf("limit's error %v does not name the flag", o.Err)
	}
	if err := report.Err(); err == nil || !strings.Contains(err.Error(), `"limit"`) {
		t.Errorf("report.Err() = %v, want the refusal of limit", err)
	}
	if f.rate.Get() != 20 || f.name.Get() != "loaded" || *f.listen != ":9090" || f.limit.Get() != limitDefault {
		t.Errorf("after the load rate=%d name=%q listen=%q limit=%d", f.rate.Get(), f.name.Get(), *f.listen, f.limit.Get())
	}
	if r := f.state(t, "limit").LastRejection; r == nil || r.New != "not-a-number" || r.Source != sourceName {
		t.Errorf("limit's rejection is not recorded: %+v", r)
	}
	st := s.Status()
	if st.State != record.StateServing || st.Name != sourceName || st.Ignored != 1 || st.Rejected != 1 || st.LastSync.IsZero() {
		t.Errorf("status after Initialize: %+v", st)
	}
}

// An update is applied, notified and recorded with its source.
func testUpdate(t *testing.T, h Harness) {
	f := newFlags(t)
	h.Set(t, map[string]string{"rate": "20"})
	s := started(t, h, f)
	h.Set(t, map[string]string{"rate": "30", "name": "updated"})
	eventually(t, "rate = 30 and name = updated", func() bool { return f.rate.Get() == 30 && f.name.Get() == "updated" })
	if got := f.rateNotes(); len(got) != 2 || got[1] != [2]int64{20, 30} {
		t.Errorf("rate notified %v, want (10,20) then (20,30)", got)
	}
	c := f.state(t, "rate").LastChange
	if c == nil || c.Source != sourceName || c.Old != "20" || c.New != "30" || c.Time.IsZero() {
		t.Errorf("last change of rate: %+v", c)
	}
	if st := s.Status(); st.Applied < 3 {
		t.Errorf("applied counter %d, want at least 3", st.Applied)
	}
}

// A name deleted from the origin returns its flag to the default, and the
// notifiers hear of it.
func testDelete(t *testing.T, h Harness) {
	f := newFlags(t)
	h.Set(t, map[string]string{"rate": "20", "name": "x"})
	started(t, h, f)
	h.Delete(t, "rate")
	eventually(t, "rate back to its default", func() bool { return f.rate.Get() == rateDefault })
	if f.name.Get() != "x" {
		t.Errorf("deleting rate changed name to %q", f.name.Get())
	}
	if got := f.rateNotes(); got[len(got)-1] != [2]int64{20, rateDefault} {
		t.Errorf("rate notified %v, want the return to %d last", got, rateDefault)
	}
	if c := f.state(t, "rate").LastChange; c == nil || !c.Removed || c.Source != sourceName {
		t.Errorf("removal not recorded: %+v", c)
	}
}

// A value a flag refuses is not applied: the last good value stays, and the
// rejection is recorded with the value and the reason.
func testBadValue(t *testing.T, h Harness) {
	f := newFlags(t)
	h.Set(t, map[string]string{"rate": "20"})
	s := started(t, h, f)
	h.Set(t, map[string]string{"rate": "0"}) // out of the validator's range
	eventually(t, "the rejection recorded", func() bool {
		r := f.state(t, "rate").LastRejection
		return r != nil && r.New == "0" && r.Source == sourceName && r.Reason != ""
	})
	if f.rate.Get() != 20 || s.Status().Rejected == 0 {
		t.Errorf("after a bad value rate=%d, status %+v", f.rate.Get(), s.Status())
	}
	h.Set(t, map[string]string{"rate": "25"})
	eventually(t, "a good value after the bad one applied", func() bool { return f.rate.Get() == 25 })
}

// A static flag changed after start-up is not applied; it waits for a
// restart, which the flag's record shows.
func testStaticAfterStart(t *testing.T, h Harness) {
	f := newFlags(t)
	h.Set(t, map[string]string{"listen": ":9090"})
	s := started(t, h, f)
	h.Set(t, map[string]string{"listen": ":7070", "rate": "21"})
	eventually(t, "restart required reported", func() bool { return s.Status().RestartRequired >= 1 })
	eventually(t, "the dynamic flag of the same change applied", func() bool { return f.rate.Get() == 21 })
	if *f.listen != ":9090" {
		t.Errorf("static flag changed after start-up to %q", *f.listen)
	}
	st := f.state(t, "listen")
	if p := st.Pending; len(p) != 1 || p[0].Value != ":7070" || p[0].CommandLine {
		t.Errorf("the pending restart is not on the flag: %+v", p)
	}
	if h := st.History; len(h) == 0 || h[len(h)-1].Result != record.RestartRequired || !strings.Contains(h[len(h)-1].Reason, "restart") {
		t.Errorf("the pending restart is not in the flag's history: %+v", h)
	}
}

// A second Initialize (after Stop) reconciles: it applies what changed,
// returns deleted names to their defaults, and never reopens static flags.
func testSecondInitialize(t *testing.T, h Harness) {
	f := newFlags(t)
	h.Set(t, map[string]string{"listen": ":1", "rate": "20", "name": "first"})
	s := newSource(t, h, f)
	initialize(t, s)
	s.Stop()
	h.Set(t, map[string]string{"listen": ":2", "rate": "40"})
	h.Delete(t, "name")
	report := initialize(t, s)
	outcome(t, report, "listen", record.RestartRequired)
	outcome(t, report, "rate", record.Applied)
	if *f.listen != ":1" || f.rate.Get() != 40 || f.name.Get() != nameDefault {
		t.Errorf("after the second Initialize listen=%q rate=%d name=%q", *f.listen, f.rate.Get(), f.name.Get())
	}
}

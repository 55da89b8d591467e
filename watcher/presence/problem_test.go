package presence_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz/watcher/presence"
)

// A record is stale once it is older than twice its refresh period plus
// the margin for clocks; a record without a period never is.
func TestRecordStale(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		refresh int64
		age     time.Duration
		stale   bool
	}{
		{60, time.Minute, false},
		{60, 2*time.Minute + presence.StaleMargin, false},
		{60, 2*time.Minute + presence.StaleMargin + time.Second, true},
		{1, 8 * time.Second, true},
		{0, time.Hour, false},
	} {
		r := presence.Record{ID: "p", RefreshSeconds: tc.refresh, Updated: now.Add(-tc.age)}
		if got := r.Stale(now); got != tc.stale {
			t.Errorf("refresh %ds, age %v: Stale = %v, want %v", tc.refresh, tc.age, got, tc.stale)
		}
	}
}

// A status lists at most MaxProblems problems, each error cut, and keeps
// them (as marks) when it must shrink to fit; Split and Join keep them and
// the refresh period.
func TestStatusProblemsAreCappedAndKept(t *testing.T) {
	big := strings.Repeat("e", 100<<10)
	since := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	st := presence.Status{ID: "h/1/2", State: "SERVING", Revision: 3, RefreshSeconds: 60,
		Values: map[string]string{}}
	for i := range presence.MaxProblems + 3 {
		st.Problems = append(st.Problems, presence.Problem{Name: fmt.Sprintf("p%02d", i), Error: big, Since: since})
	}
	for i := range 200 {
		st.Values[fmt.Sprintf("f%d", i)] = big[:1<<10]
	}
	out, err := presence.EncodeStatus(st)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) > presence.MaxRecordBytes {
		t.Errorf("status of %d bytes, over %d", len(out), presence.MaxRecordBytes)
	}
	got, err := presence.Decode(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Problems) != presence.MaxProblems || got.RefreshSeconds != 60 {
		t.Fatalf("decoded %d problems, refresh %d; want %d, 60", len(got.Problems), got.RefreshSeconds, presence.MaxProblems)
	}
	for _, p := range got.Problems {
		if !presence.IsCut(p.Error) || !presence.Matches(p.Error, big) || !p.Since.Equal(since) {
			t.Errorf("problem %s: error %.40q…, since %v; want the error cut, with its mark", p.Name, p.Error, p.Since)
		}
	}
	_, status := got.Split()
	joined := presence.Join(presence.Record{ID: status.ID, State: status.State, RefreshSeconds: status.RefreshSeconds,
		Problems: status.Problems}, presence.Record{ID: status.ID, Host: "h"})
	if len(joined.Problems) != presence.MaxProblems || joined.RefreshSeconds != 60 || joined.Host != "h" {
		t.Errorf("Split then Join lost the problems or the refresh period: %+v", joined)
	}
}

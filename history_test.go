package flagz

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz/record"
)

// Each flag keeps its last flagHistoryLen changes and rejections, oldest
// first, and a sensitive flag's history holds no value.
func TestFlagHistoryIsBounded(t *testing.T) {
	f := newEngineFixture(t)
	f.src.Load(1, map[string]string{"rate": "2"})
	for i := 3; i < 3+2*flagHistoryLen; i++ {
		f.src.Update(int64(i), map[string]string{"rate": fmt.Sprint(i)})
	}
	f.src.Update(100, map[string]string{"rate": "999"}) // refused: above 100
	st, _ := f.e.Flag("rate")
	h := st.History
	if len(h) != flagHistoryLen {
		t.Fatalf("history has %d entries, want %d: %+v", len(h), flagHistoryLen, h)
	}
	last := h[len(h)-1]
	if last.Result != record.Rejected || last.New != "999" || last.Revision != 100 || last.Reason == "" {
		t.Errorf("last entry %+v, want the rejection of 999", last)
	}
	prev := h[len(h)-2]
	if prev.Result != record.Applied || prev.New != fmt.Sprint(2+2*flagHistoryLen) || prev.Old != fmt.Sprint(1+2*flagHistoryLen) {
		t.Errorf("entry before it %+v", prev)
	}
	for i := 1; i < len(h); i++ {
		if h[i].Time.Before(h[i-1].Time) {
			t.Errorf("history out of order at %d: %+v", i, h)
		}
	}
}

func TestSensitiveHistoryHoldsNoValue(t *testing.T) {
	fs := newFlagSet(t)
	DynString(fs, "token", "t0", "").WithSensitive().WithValidator(func(s string) error {
		if strings.HasPrefix(s, "bad") {
			return fmt.Errorf("no")
		}
		return nil
	})
	src := EngineFor(fs).Source("s", slog.New(slog.DiscardHandler))
	src.Load(1, map[string]string{"token": "s3cr3t-one"})
	src.Update(2, map[string]string{"token": "bad-s3cr3t"})
	st, _ := EngineFor(fs).Flag("token")
	if len(st.History) != 2 {
		t.Fatalf("history %+v", st.History)
	}
	if text := fmt.Sprintf("%+v %+v", st.History, st.HeldBy); strings.Contains(text, "s3cr3t") {
		t.Errorf("a sensitive value in the history or holdings: %s", text)
	}
}

// A static flag's change after start-up is pending for its source, not a
// rejection: a refused value from another source leaves it, and the most
// recent pending value is the one that wins at the next start.
func TestPendingRestartIsKeptPerSource(t *testing.T) {
	f := newEngineFixture(t)
	other := f.e.Source("other", slog.New(slog.DiscardHandler))
	f.src.Load(1, map[string]string{"listen": ":9090"})
	other.Load(1, map[string]string{})
	f.src.Update(2, map[string]string{"listen": ":9999"})
	other.Update(5, map[string]string{"listen": ":7777", "rate": "not-a-number"})
	st, _ := f.e.Flag("listen")
	if len(st.Pending) != 2 {
		t.Fatalf("pending %+v, want one per source", st.Pending)
	}
	byName := map[string]record.Holding{}
	for _, p := range st.Pending {
		byName[p.Source] = p
	}
	if p := byName["test"]; p.Value != ":9999" || p.Revision != 2 || p.WinsAtRestart {
		t.Errorf("test's pending %+v", p)
	}
	if p := byName["other"]; p.Value != ":7777" || !p.WinsAtRestart {
		t.Errorf("other's pending %+v, want it to win (most recent)", p)
	}
	if st.LastRejection != nil {
		t.Errorf("a pending restart shows as a rejection: %+v", st.LastRejection)
	}
	// The source going back to the running value clears its pending entry.
	f.src.Update(3, map[string]string{"listen": ":9090"})
	st, _ = f.e.Flag("listen")
	if len(st.Pending) != 1 || st.Pending[0].Source != "other" {
		t.Errorf("pending after test went back: %+v", st.Pending)
	}
}

func TestPendingCommandLineWinsAtRestart(t *testing.T) {
	pending := []record.Holding{{Source: "a", Time: time.Unix(1, 0), CommandLine: true}}
	markWinner(pending, true)
	if pending[0].WinsAtRestart {
		t.Error("a source's value marked as winning over the command line")
	}
}

// HeldBy lists what each source holds, and says whether it is the value
// the flag runs with.
func TestHeldByShowsEverySource(t *testing.T) {
	f := newEngineFixture(t)
	setter := f.e.Source("debug", slog.New(slog.DiscardHandler))
	f.src.Load(4, map[string]string{"mode": "fast"})
	setter.Update(0, map[string]string{"mode": "manual"})
	st, _ := f.e.Flag("mode")
	if len(st.HeldBy) != 2 {
		t.Fatalf("held by %+v", st.HeldBy)
	}
	if h := st.HeldBy[0]; h.Source != "debug" || h.Value != "manual" || !h.Matches {
		t.Errorf("setter's holding %+v", h)
	}
	if h := st.HeldBy[1]; h.Source != "test" || h.Value != "fast" || h.Revision != 4 || h.Matches {
		t.Errorf("test's holding %+v", h)
	}
	if st, _ := f.e.Flag("rate"); st.HeldBy != nil {
		t.Errorf("a flag no source holds: %+v", st.HeldBy)
	}
	// Flags keeps every flag's holdings apart.
	f.src.Update(5, map[string]string{"rate": "9"})
	for _, st := range f.e.Flags() {
		if st.Name == "mode" && (len(st.HeldBy) != 2 || st.HeldBy[1].Value != "fast") {
			t.Errorf("mode held by %+v after Flags", st.HeldBy)
		}
	}
}

// A value the flag refused is not the running value, even when its source
// made the flag's last change (which a JSON value's held text is compared
// by): HeldBy does not call it current.
func TestHeldByRefusedAfterLastChange(t *testing.T) {
	f := newEngineFixture(t)
	f.src.Update(4, map[string]string{"rate": "20"})
	f.src.Update(5, map[string]string{"rate": "500"}) // out of range
	st, _ := f.e.Flag("rate")
	if st.Value != "20" || len(st.HeldBy) != 1 {
		t.Fatalf("rate %q, held by %+v", st.Value, st.HeldBy)
	}
	if h := st.HeldBy[0]; h.Value != "500" || h.Revision != 5 || h.Matches {
		t.Errorf("holding %+v: the refused value reads as the running one", h)
	}
	f.src.Update(6, map[string]string{"rate": "20"}) // back to the running value
	if st, _ := f.e.Flag("rate"); !st.HeldBy[0].Matches {
		t.Errorf("holding %+v: the running value does not read as such", st.HeldBy[0])
	}
}

// A source keeps its last states as spans, so a flapping source is seen.
func TestSourceStateHistory(t *testing.T) {
	f := newEngineFixture(t)
	for i := range stateHistoryLen {
		f.src.SetState(record.StateServing, nil)
		f.src.SetState(record.StateDegraded, fmt.Errorf("outage %d", i))
	}
	f.src.SetState(record.StateDegraded, fmt.Errorf("still out"))
	h := f.src.Status().History
	if len(h) != stateHistoryLen {
		t.Fatalf("%d spans, want %d", len(h), stateHistoryLen)
	}
	cur := h[len(h)-1]
	if cur.State != record.StateDegraded || !cur.Until.IsZero() || cur.Err != "still out" {
		t.Errorf("current span %+v", cur)
	}
	prev := h[len(h)-2]
	if prev.State != record.StateServing || prev.Until.IsZero() || prev.Until != cur.Since {
		t.Errorf("span before it %+v (current since %v)", prev, cur.Since)
	}
}

// Unknown names are listed per source, most recent first, each once, at
// most ignoredNamesLen, each with its revision.
func TestIgnoredNamesAreListed(t *testing.T) {
	f := newEngineFixture(t)
	f.src.Load(1, map[string]string{"nosuchflag": "1", "rate": "5"})
	batch := map[string]string{}
	for i := range ignoredNamesLen + 20 {
		batch[fmt.Sprintf("unknown_%03d", i)] = "x"
	}
	f.src.Update(2, batch)
	f.src.Update(3, map[string]string{"nosuchflag": "2", strings.Repeat("n", 1000): "x"})
	st := f.src.Status()
	names := st.IgnoredNames
	if len(names) != ignoredNamesLen {
		t.Fatalf("%d ignored names, want %d", len(names), ignoredNamesLen)
	}
	if names[0].Revision != 3 || names[1].Revision != 3 {
		t.Errorf("most recent first: %+v", names[:2])
	}
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n.Name] {
			t.Errorf("%q listed twice", n.Name)
		}
		seen[n.Name] = true
		if len(n.Name) > ignoredNameMax+len("…") {
			t.Errorf("a name of %d bytes kept", len(n.Name))
		}
	}
	if !seen["nosuchflag"] {
		t.Error("nosuchflag is not listed")
	}
	if st.Ignored != uint64(2+ignoredNamesLen+20+1) {
		t.Errorf("ignored count %d", st.Ignored)
	}
}

package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/watcher/change"
)

// Every write of the command records who, when and why beside the flag;
// history lists the key's past values from etcd's history with those
// records, a write of another tool without one; undo puts back the value
// before the last write, through pre-flight and the wait, and an undo of
// that undo puts back the value it replaced.
func TestHistoryAndUndo(t *testing.T) {
	srv, c := etcd(t)
	eps := []string{srv.Endpoint()}
	p := startProcess(t, eps, processOptions{})
	waitProcesses(t, eps, 1)

	want(t, flagzAt(t, eps, "set", "rate", "20", "--author=alice", "--reason=more traffic"), ExitOK, "1 applied")
	// The process records who made the change and why (its debug page
	// shows them).
	if st, _ := flagz.EngineFor(p.fs).Flag("rate"); st.LastChange == nil || st.LastChange.Author != "alice" || st.LastChange.Comment != "more traffic" {
		t.Errorf("the process's last change of rate = %+v, want by alice for more traffic", st.LastChange)
	}
	t.Setenv(EnvAuthor, "bob")
	want(t, flagzAt(t, eps, "set", "rate", "30", "--reason", "even more"), ExitOK, "1 applied")
	t.Setenv(EnvAuthor, "")
	raw := put(t, c, "rate", "40") // another tool: no record
	want(t, flagzAt(t, eps, "del", "rate", "--reason=back to default"), ExitOK, "1 applied")

	var h historyOutput
	decode(t, flagzAt(t, eps, "history", "rate", "-o", "json"), &h)
	type row struct{ action, value, by, reason string }
	var got []row
	for _, e := range h.Entries {
		got = append(got, row{e.Action, e.Value, e.By, e.Reason})
	}
	wantRows := []row{
		{"set", "20", "alice", "more traffic"},
		{"set", "30", "bob", "even more"},
		{"put", "40", "", ""},
		{"del", "", localUser(), "back to default"},
	}
	if len(got) != len(wantRows) || h.From != 1 {
		t.Fatalf("history = %+v (from %d), want %+v", got, h.From, wantRows)
	}
	for i := range wantRows {
		if got[i] != wantRows[i] {
			t.Errorf("history entry %d = %+v, want %+v", i, got[i], wantRows[i])
		}
	}
	if e := h.Entries[2]; e.Revision != raw || e.Recorded {
		t.Errorf("the write of another tool: %+v, want revision %d without a record", e, raw)
	}
	r := flagzAt(t, eps, "history", "rate")
	want(t, r, ExitOK, "REVISION", "more traffic", "alice", "(deleted)", "etcd keeps its whole history")
	want(t, flagzAt(t, eps, "history", "rate", "--limit=1"), ExitOK, "back to default")
	if strings.Contains(flagzAt(t, eps, "history", "rate", "--limit=1").stdout, "alice") {
		t.Error("--limit=1 shows more than the last write")
	}

	// Undo of the delete: back to 40, through pre-flight and the wait.
	r = flagzAt(t, eps, "undo", "rate", "--reason=oops", "--author=carol")
	want(t, r, ExitOK, "back to the value of revision "+itoa64(raw)+": 40", "rate = 40", "1 applied")
	if p.rate.Get() != 40 {
		t.Errorf("after undo rate = %d, want 40", p.rate.Get())
	}
	// Undo of the undo: deleted again (the key did not exist before it).
	r = flagzAt(t, eps, "undo", "rate")
	want(t, r, ExitOK, "no key", "deleted rate", "1 applied")
	if _, ok := value(t, c, "rate"); ok {
		t.Error("undo of an undo of a delete left the key")
	}
	decode(t, flagzAt(t, eps, "history", "rate", "-o", "json"), &h)
	last := h.Entries[len(h.Entries)-2:]
	if last[0].Action != change.ActionUndo || last[0].By != "carol" || last[0].Reason != "oops" || last[0].Value != "40" ||
		!strings.Contains(last[0].Detail, "undid revision") || last[1].Action != change.ActionUndo || !last[1].Deleted {
		t.Errorf("history after two undos ends with %+v", last)
	}

	// Undo refuses a value pre-flight refuses, as set does.
	put(t, c, "rate", "1000")
	put(t, c, "rate", "50")
	want(t, flagzAt(t, eps, "undo", "rate"), ExitFailed, "not in range [1, 100]", "nothing written")

	// A value from before a compaction cannot be put back.
	resp, err := c.Get(t.Context(), "x")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Compact(context.Background(), resp.Header.Revision); err != nil {
		t.Fatal(err)
	}
	want(t, flagzAt(t, eps, "undo", "rate"), ExitFailed, "compacted", "nothing written")
	decode(t, flagzAt(t, eps, "history", "rate", "-o", "json"), &h)
	if h.From != resp.Header.Revision || len(h.Entries) != 0 {
		t.Errorf("history after compaction: from %d, %d entries; want from %d and none", h.From, len(h.Entries), resp.Header.Revision)
	}
	want(t, flagzAt(t, eps, "history", "rate"), ExitOK, "compacted its history before revision")
}

// history shows a sensitive flag's values as [redacted].
func TestHistoryRedactsSensitive(t *testing.T) {
	srv, _ := etcd(t)
	eps := []string{srv.Endpoint()}
	startProcess(t, eps, processOptions{})
	waitProcesses(t, eps, 1)
	want(t, flagzAt(t, eps, "set", "token", "sk-secret-1"), ExitOK)
	want(t, flagzAt(t, eps, "set", "token", "sk-secret-2"), ExitOK)
	for _, args := range [][]string{{"history", "token"}, {"history", "token", "-o", "json"}, {"undo", "token"}} {
		r := flagzAt(t, eps, args...)
		want(t, r, ExitOK, "[redacted]")
		if strings.Contains(r.stdout+r.stderr, "sk-secret") {
			t.Errorf("flagz %v shows a sensitive value:\n%v", args, r)
		}
	}
}

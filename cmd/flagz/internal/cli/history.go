package cli

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/watcher/canary"
	"github.com/flagz-go/flagz/watcher/change"
	"github.com/spf13/pflag"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// historyEntry is one write to a flag's key or canary, as history shows
// it.
type historyEntry struct {
	Revision int64 `json:"revision"`
	// Action is the change record's (set, del, undo, canary, stage,
	// promote, abort); a write without one (another tool, a process's
	// rollback) is "put" or "delete".
	Action string `json:"action"`
	// Value is the flag's value after the write, or the canary's value
	// for canary, stage and abort; [redacted] for a sensitive flag.
	Value   string `json:"value,omitempty"`
	Deleted bool   `json:"deleted,omitempty"` // the flag's key was deleted
	// Recorded: a change record of the flagz command goes with the write,
	// and By, User, At, Reason and Detail are its.
	Recorded bool      `json:"recorded"`
	By       string    `json:"by,omitempty"`
	User     string    `json:"etcd_user,omitempty"`
	At       time.Time `json:"at,omitzero"`
	Reason   string    `json:"reason,omitempty"`
	Detail   string    `json:"detail,omitempty"`
}

// historyOutput is history's JSON output.
type historyOutput struct {
	Name string `json:"name"`
	Key  string `json:"key"`
	// From is the oldest revision etcd still keeps: older writes are
	// compacted away (1: none is).
	From     int64          `json:"from"`
	Revision int64          `json:"revision"` // etcd's revision when read
	Entries  []historyEntry `json:"entries"`  // oldest first
}

func historyCommand() *command {
	return &command{
		name:     "history",
		operands: "NAME",
		summary:  "the flag's past values from etcd's history, with who wrote each, when and why",
		details: `
Reads from etcd's own history every write to the key <prefix>/NAME and to
the flag's canary, oldest first, and beside each the record the flagz
command wrote with it in the same transaction (who: --author, else the etcd
user, else user@host; when; --reason). A write without a record was made by
another tool, or is a process's rollback of a value it refused.

etcd keeps its history until it is compacted: older writes are gone, and
history says from which revision on it knows. The value of a flag a live
process (or the canary) marks sensitive shows as [redacted]. --limit=N
shows the last N writes only.`,
		setup: func(fs *pflag.FlagSet) func(context.Context, *session, []string) error {
			limit := fs.Int("limit", 0, "show the last N writes only (0: all)")
			return func(ctx context.Context, s *session, args []string) error {
				return runHistory(ctx, s, args, *limit)
			}
		},
	}
}

func runHistory(ctx context.Context, s *session, args []string, limit int) error {
	if len(args) != 1 {
		return usagef("want NAME, got %d arguments", len(args))
	}
	if limit < 0 {
		return usagef("--limit must be 0 or more, got %d", limit)
	}
	name := args[0]
	if err := checkName(name); err != nil {
		return err
	}
	f, err := s.readFleet(ctx)
	if err != nil {
		return fmt.Errorf("%w (needed to know whether %s is sensitive)", err, name)
	}
	s.warnInvalid(f.invalid)
	out, err := s.history(ctx, name, f.sensitive(name))
	if err != nil {
		return err
	}
	if limit > 0 && len(out.Entries) > limit {
		out.Entries = out.Entries[len(out.Entries)-limit:]
	}
	if s.json() {
		return s.printJSON(out)
	}
	since := "etcd keeps its whole history"
	if out.From > 1 {
		since = fmt.Sprintf("etcd compacted its history before revision %d: older writes are gone", out.From)
	}
	s.printf("history of %s (key %s) up to revision %d; %s", name, out.Key, out.Revision, since)
	if len(out.Entries) == 0 {
		s.printf("no write of %s in etcd's history", name)
		return nil
	}
	t := s.table("REVISION", "ACTION", "VALUE", "BY", "AT", "REASON")
	for _, e := range out.Entries {
		value := clip(e.Value)
		if e.Deleted {
			value = "(deleted)"
		}
		by, at := "-", "-"
		if e.Recorded {
			by, at = e.By, e.At.Local().Format(time.DateTime)
			if e.User != "" && e.User != e.By {
				by += " (etcd user " + e.User + ")"
			}
		}
		reason := e.Reason
		if e.Detail != "" {
			reason = joinNonEmpty(reason, "["+e.Detail+"]")
		}
		t.row("%d\t%s\t%s\t%s\t%s\t%s", e.Revision, e.Action, value, clip(by), at, orDash(reason))
	}
	return t.flush()
}

// history reads the flag name's history (see historyCommand), its values
// redacted if sensitive (or if its canary says it is).
func (s *session) history(ctx context.Context, name string, sensitive bool) (historyOutput, error) {
	flagKey, changeKey, canaryKey := s.g.flagKey(name), change.Key(s.g.prefix, name), canary.Key(s.g.prefix, name)
	r, err := s.replay(ctx, flagKey, changeKey, canaryKey)
	if err != nil {
		return historyOutput{}, err
	}
	byRev := map[int64]*historyEntry{}
	entry := func(rev int64) *historyEntry {
		e, ok := byRev[rev]
		if !ok {
			e = &historyEntry{Revision: rev}
			byRev[rev] = e
		}
		return e
	}
	for _, ev := range r.events[flagKey] {
		e := entry(ev.Kv.ModRevision)
		if ev.Type == clientv3.EventTypeDelete {
			e.Action, e.Deleted = "delete", true
		} else {
			e.Action, e.Value = "put", string(ev.Kv.Value)
		}
	}
	canaryValue := ""
	for _, ev := range r.events[canaryKey] {
		e := entry(ev.Kv.ModRevision)
		if ev.Type == clientv3.EventTypeDelete {
			if e.Action == "" {
				e.Action, e.Value = "canary ended", canaryValue
			}
			continue
		}
		rec, err := canary.DecodeKey(s.g.prefix, string(ev.Kv.Key), ev.Kv.Value)
		if err != nil {
			e.Action, e.Detail = "canary", "invalid record: "+err.Error()
			continue
		}
		sensitive = sensitive || rec.Sensitive
		canaryValue = rec.Value
		e.Action, e.Value = "canary", rec.Value
	}
	for _, ev := range r.events[changeKey] {
		if ev.Type == clientv3.EventTypeDelete {
			continue
		}
		rec, err := change.DecodeKey(s.g.prefix, string(ev.Kv.Key), ev.Kv.Value)
		e := entry(ev.Kv.ModRevision)
		if err != nil {
			e.Detail = "invalid change record: " + err.Error()
			continue
		}
		e.Action, e.Recorded = rec.Action, true
		e.By, e.User, e.At, e.Reason, e.Detail = rec.By, rec.User, rec.At, rec.Reason, rec.Detail
	}
	out := historyOutput{Name: name, Key: flagKey, From: r.from, Revision: r.to}
	for _, rev := range slices.Sorted(maps.Keys(byRev)) {
		e := *byRev[rev]
		if sensitive && e.Value != "" {
			e.Value = flagz.Redacted
		}
		out.Entries = append(out.Entries, e)
	}
	return out, nil
}

// joinNonEmpty joins the texts that are not empty with a space.
func joinNonEmpty(texts ...string) string {
	out := ""
	for _, t := range texts {
		if t == "" {
			continue
		}
		if out != "" {
			out += " "
		}
		out += t
	}
	return out
}

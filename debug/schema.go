package debug

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/schema"
)

// Page is the JSON document the handler serves for ?format=json or
// Accept: application/json. Its fields are the contract of that document;
// new fields may be added, existing ones keep their names and meaning.
//
// Values of sensitive flags are "[redacted]" (flagz.Redacted) everywhere
// they would appear: value, default, last change, last rejection, command
// line, pending, held-by and history; they have no JSON difference.
type Page struct {
	// FlagSet is the name of the flag set (flagz.Engine.Name: the program's
	// name for the command-line flag set), also the page's title.
	FlagSet string `json:"flag_set"`
	// Time is when the page was read.
	Time time.Time `json:"time"`
	// Process says which process answered: host, pid, build.
	Process Process `json:"process"`
	// Filter echoes the filters that selected Flags.
	Filter Filter `json:"filter"`
	// Paging says which part of the selected flags Flags holds.
	Paging Paging `json:"paging"`
	// Changed is how many of the selected flags (on every page) differ
	// from their default.
	Changed int `json:"changed"`
	// Checksums of the current values, read just after Flags: under
	// concurrent changes they may be newer than the table.
	Checksums Checksums `json:"checksums"`
	// Sources lists every source registered with the flag set's engine,
	// sorted by name.
	Sources []Source `json:"sources"`
	// Setter is present when the handler's setter is on.
	Setter *Setter `json:"setter,omitempty"`
	// Flags lists the flags the filter and paging selected, sorted by
	// name. It comes last in JSON, one flag a line.
	Flags []Flag `json:"flags"`
}

// Setter describes the handler's setter (POST <mount>/set), when it is on.
type Setter struct {
	// AllowedHosts lists the names, besides localhost and IP addresses, the
	// setter answers to (debug.WithAllowedHosts); requests addressed to any
	// other name are refused.
	AllowedHosts []string `json:"allowed_hosts"`
}

// Filter selects which flags a page lists.
type Filter struct {
	// OnlyChanged keeps only flags whose current value differs from the
	// default (query parameter only_changed=true).
	OnlyChanged bool `json:"only_changed"`
	// Type is "dynamic", "static" or "" for both (query parameter type).
	Type string `json:"type,omitempty"`
	// Query keeps only flags whose name contains it, ignoring case
	// (query parameter q).
	Query string `json:"q,omitempty"`
}

// Paging selects a page of the flags a filter keeps (query parameters
// page, from 1, and limit). The HTML page shows DefaultHTMLLimit flags a
// page unless told otherwise; JSON lists every flag unless limit is given.
type Paging struct {
	Page  int `json:"page"`
	Limit int `json:"limit"` // 0: no limit
	// Matched is how many flags the filter kept, on every page.
	Matched int `json:"matched"`
	// Pages is how many pages Matched fills (1 without a limit).
	Pages int `json:"pages"`
}

// Process identifies the process that serves the page.
type Process struct {
	Host string `json:"host"`
	PID  int    `json:"pid"`
	// Started is when the process started (when the debug package was
	// initialised, which is very close).
	Started time.Time `json:"started"`
	// UptimeSeconds is how long ago Started was, in whole seconds.
	UptimeSeconds int64 `json:"uptime_seconds"`
	// Module and Version are the main module's path and version, from
	// runtime/debug.ReadBuildInfo ("(devel)" for a build from a checkout).
	Module  string `json:"module,omitempty"`
	Version string `json:"version,omitempty"`
	// VCSRevision and VCSModified are the version control revision the
	// binary was built from and whether the work tree had local changes.
	VCSRevision string `json:"vcs_revision,omitempty"`
	VCSModified bool   `json:"vcs_modified,omitempty"`
	GoVersion   string `json:"go_version"`
}

// Checksums holds the flag set's checksums (flagz.Engine.DynamicChecksum) as 16
// lower-case hexadecimal digits: a JSON number cannot hold 64 bits exactly.
type Checksums struct {
	Dynamic string `json:"dynamic"`
	Static  string `json:"static"`
}

// Flag is one flag on the page.
type Flag struct {
	Name string `json:"name"`
	// Type is the flag's type: "dyn_int64", "dyn_json", … for dynamic
	// flags, pflag's type name ("string", "int", …) for static pflag flags,
	// "" for static flags of the standard flag package.
	Type string `json:"type"`
	// Syntax says how Value is written: "text" (a scalar or a
	// comma-separated list), "json" or "proto" (protojson, or binary).
	Syntax string `json:"syntax"`
	// Dynamic is true for flags that may change while the program runs.
	Dynamic bool `json:"dynamic"`
	// Sensitive is true when Value, Default and the values in LastChange
	// and LastRejection are redacted.
	Sensitive bool   `json:"sensitive"`
	Value     string `json:"value"`
	// Description is the value as a person reads it, for values that
	// describe themselves (a method Describe() string): a rollout reads
	// "25% (salt checkout-v2)", a ramp with its share now. Absent for other
	// values and for sensitive flags.
	Description string `json:"description,omitempty"`
	Default     string `json:"default"`
	// Changed is true when Value differs from Default.
	Changed bool   `json:"changed"`
	Usage   string `json:"usage"`
	// LastChange is the last change a source made; absent if none did.
	LastChange *Change `json:"last_change,omitempty"`
	// LastRejection is the last value a source offered that the flag
	// refused (it did not parse or validate); absent if none was. A static
	// flag's change that waits for a restart is not a rejection: it is in
	// Pending (and History).
	LastRejection *Rejection `json:"last_rejection,omitempty"`
	// NotifierPanic is the last panic of one of the flag's notifiers.
	NotifierPanic string `json:"notifier_panic,omitempty"`
	// NotifierBehindSince is when the flag's notifiers fell so far behind
	// (one blocks, say) that the changes waiting for them are merged into
	// one; absent while they keep up.
	NotifierBehindSince *time.Time `json:"notifier_behind_since,omitempty"`
	// CommandLine is the value the flag was given on the command line
	// (before any source ran), if it was. A static flag keeps it whatever
	// its sources hold; a dynamic one follows its sources.
	CommandLine *string `json:"command_line,omitempty"`
	// Pending lists, by source, values sources hold that the process does
	// not run with: a static flag's change waiting for a restart, or a
	// value the command line overrides. It is not a rejection.
	Pending []Pending `json:"pending,omitempty"`
	// HeldBy lists what each source holds for the flag, sorted by source.
	HeldBy []Holding `json:"held_by,omitempty"`
	// DiffersFromSource is true when the value was set through the setter
	// and no other source holds it: a restart, or the next change of a
	// source, will replace it.
	DiffersFromSource bool `json:"differs_from_source,omitempty"`
	// History holds the flag's last changes, rejections and
	// restart-required offers, oldest first (at most 8).
	History []HistoryEntry `json:"history,omitempty"`
	// JSONDiff lists where a changed JSON value differs from its default,
	// key by key (at most maxJSONDiff entries). Absent for other values and
	// sensitive flags.
	JSONDiff []JSONDiff `json:"json_diff,omitempty"`
}

// Holding is what one source holds for a flag.
type Holding struct {
	Source   string `json:"source"`
	Value    string `json:"value"`
	Revision int64  `json:"revision"`
	// Current is true when it is the value the flag runs with.
	Current bool `json:"current"`
	// Snapshot is set while the source serves its last-known-good
	// snapshot file because its origin has not answered yet.
	Snapshot *SnapshotFile `json:"snapshot,omitempty"`
}

// SnapshotFile is a source's last-known-good snapshot file, served while
// its origin has not answered.
type SnapshotFile struct {
	Path     string    `json:"path"`
	Written  time.Time `json:"written,omitzero"`
	Revision int64     `json:"revision"`
}

// HistoryEntry is one change, rejection or restart-required offer.
type HistoryEntry struct {
	Time     time.Time `json:"time"`
	Source   string    `json:"source"`
	Revision int64     `json:"revision"`
	// Result is "applied", "rejected" or "restart_required".
	Result string `json:"result"`
	// Old is the value before an applied change; New the value after it,
	// or the value offered.
	Old     string `json:"old,omitempty"`
	New     string `json:"new"`
	Removed bool   `json:"removed,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

// JSONDiff is one place where a JSON value differs from its default. Path
// is a JSON Pointer (RFC 6901) to an object member; Default or Value is
// absent when the member is missing on that side.
type JSONDiff struct {
	Path    string          `json:"path"`
	Default json.RawMessage `json:"default,omitempty"`
	Value   json.RawMessage `json:"value,omitempty"`
}

// Change is the last change a source made to a flag.
type Change struct {
	Time     time.Time `json:"time"`
	Source   string    `json:"source"`
	Revision int64     `json:"revision"`
	Old      string    `json:"old"`
	New      string    `json:"new"`
	// Removed is true when the source dropped the name and the flag went
	// back to its default.
	Removed bool `json:"removed,omitempty"`
	// Author and Comment say who made the change in the source and why,
	// when the source knows (the etcd source: the flagz command's
	// --author and --reason); the comment of a sensitive flag is redacted.
	Author  string `json:"author,omitempty"`
	Comment string `json:"comment,omitempty"`
}

// Pending is a value a source holds for a flag that the process does not
// run with: a static flag's change waits for a restart, or the flag keeps
// the value given on the command line.
type Pending struct {
	Source      string    `json:"source"`
	Revision    int64     `json:"revision"`
	Time        time.Time `json:"time"`
	Value       string    `json:"value"`
	CommandLine bool      `json:"command_line"` // false: takes effect at the next restart
	// WinsAtRestart marks the value the flag will most likely have after a
	// restart: the command line wins over every source, and between
	// sources the last write wins.
	WinsAtRestart bool `json:"wins_at_restart"`
}

// Rejection is the last value a source offered that a flag refused.
type Rejection struct {
	Time     time.Time `json:"time"`
	Source   string    `json:"source"`
	Revision int64     `json:"revision"`
	Value    string    `json:"value"`
	Reason   string    `json:"reason"`
}

// Source is the health and counters of one source of values.
type Source struct {
	Name string `json:"name"`
	// State is CONNECTING, SERVING, DEGRADED or STOPPED.
	State string `json:"state"`
	// Since is when State was entered.
	Since time.Time `json:"since"`
	// Error says why the source is not SERVING, if it knows.
	Error string `json:"error,omitempty"`
	// LastSync is when the source last delivered a batch or confirmed it
	// is current; absent if it never did.
	LastSync time.Time `json:"last_sync,omitzero"`
	// LastRevision is the origin's revision at LastSync.
	LastRevision    int64  `json:"last_revision"`
	Applied         uint64 `json:"applied"`
	Rejected        uint64 `json:"rejected"`
	RestartRequired uint64 `json:"restart_required"`
	Ignored         uint64 `json:"ignored"`
	// IgnoredNames are the most recent distinct names the source held
	// that no flag is declared with, most recent first (at most
	// 100). They are never deleted from the source: a
	// newer binary may own them.
	IgnoredNames []IgnoredName `json:"ignored_names,omitempty"`
	// History is the source's last states, oldest first, the current one
	// last (at most 16).
	History []StateSpan `json:"history"`
	// Snapshot is set while the source serves its last-known-good
	// snapshot file because its origin has not answered yet.
	Snapshot *SnapshotFile `json:"snapshot,omitempty"`
}

// IgnoredName is a name a source held that no flag is declared with.
type IgnoredName struct {
	Name     string    `json:"name"`
	Time     time.Time `json:"time"`
	Revision int64     `json:"revision"`
}

// StateSpan is one state a source was in.
type StateSpan struct {
	State string    `json:"state"`
	Since time.Time `json:"since"`
	// Until is when the source left the state; absent for the current one.
	Until time.Time `json:"until,omitzero"`
	Error string    `json:"error,omitempty"`
}

// SetResult is the JSON answer of the setter.
type SetResult struct {
	// Flag is the name that was asked for.
	Flag string `json:"flag"`
	// Result is "applied", "unchanged", "rejected", "restart_required" or
	// "unknown" (record.Result's text); empty when the request itself was
	// refused (bad method, not authorized, malformed).
	Result string `json:"result,omitempty"`
	// Value is the flag's value after the request ("[redacted]" for a
	// sensitive flag); absent unless the flag exists.
	Value string `json:"value,omitempty"`
	// Error says why the request failed; absent on success.
	Error string `json:"error,omitempty"`
}

func checksumText(sum uint64) string { return fmt.Sprintf("%016x", sum) }

// newFlag turns a flag's state into its entry on the page; withDiff adds
// the JSON difference from the default.
func newFlag(st *flagz.FlagState, withDiff bool) Flag {
	f := Flag{
		Name: st.Name, Type: st.Type, Syntax: st.Syntax.String(), Dynamic: st.Dynamic, Sensitive: st.Sensitive,
		Value: st.Value, Description: st.Description, Default: st.Default, Changed: st.Changed, Usage: st.Usage,
		NotifierPanic: st.NotifierPanic,
	}
	if t := st.NotifierBehindSince; !t.IsZero() {
		f.NotifierBehindSince = &t
	}
	f.CommandLine = st.CommandLine
	for _, p := range st.Pending {
		f.Pending = append(f.Pending, Pending{Source: p.Source, Revision: p.Revision, Time: p.Time, Value: p.Value,
			CommandLine: p.CommandLine, WinsAtRestart: p.WinsAtRestart})
	}
	others := false
	for _, hd := range st.HeldBy {
		f.HeldBy = append(f.HeldBy, Holding{Source: hd.Source, Value: hd.Value, Revision: hd.Revision,
			Current: hd.Matches, Snapshot: snapshotFile(hd.Snapshot)})
		others = others || (hd.Source != SourceName && hd.Matches)
	}
	f.DiffersFromSource = st.LastChange != nil && st.LastChange.Source == SourceName && !st.LastChange.Removed && !others
	for _, e := range st.History {
		f.History = append(f.History, HistoryEntry{Time: e.Time, Source: e.Source, Revision: e.Revision,
			Result: e.Result.String(), Old: e.Old, New: e.New, Removed: e.Removed, Reason: e.Reason})
	}
	if c := st.LastChange; c != nil {
		f.LastChange = &Change{Time: c.Time, Source: c.Source, Revision: c.Revision,
			Old: c.Old, New: c.New, Removed: c.Removed, Author: c.Author, Comment: c.Comment}
	}
	if r := st.LastRejection; r != nil {
		f.LastRejection = &Rejection{Time: r.Time, Source: r.Source, Revision: r.Revision,
			Value: r.New, Reason: r.Reason}
	}
	if f.Sensitive { // the engine redacts already; this guards against a future field
		f.Value, f.Default, f.Description = flagz.Redacted, flagz.Redacted, ""
		if f.LastChange != nil {
			f.LastChange.Old, f.LastChange.New = flagz.Redacted, flagz.Redacted
			if f.LastChange.Comment != "" {
				f.LastChange.Comment = flagz.Redacted // an operator's words may quote the value
			}
		}
		if f.LastRejection != nil {
			f.LastRejection.Value = flagz.Redacted
		}
		if f.CommandLine != nil {
			f.CommandLine = &redacted
		}
		for i := range f.Pending {
			f.Pending[i].Value = flagz.Redacted
		}
		for i := range f.HeldBy {
			f.HeldBy[i].Value = flagz.Redacted
		}
		for i := range f.History {
			if f.History[i].Old != "" {
				f.History[i].Old = flagz.Redacted
			}
			f.History[i].New = flagz.Redacted
		}
	}
	if withDiff {
		f.JSONDiff = flagJSONDiff(f)
	}
	return f
}

// flagJSONDiff is the difference of a changed JSON value from its default;
// nil for other values and for sensitive flags.
func flagJSONDiff(f Flag) []JSONDiff {
	if f.Sensitive || !f.Changed || (f.Syntax != schema.JSON.String() && f.Syntax != schema.Proto.String()) {
		return nil
	}
	return jsonDiff(f.Default, f.Value)
}

func snapshotFile(o *record.SnapshotOrigin) *SnapshotFile {
	if o == nil {
		return nil
	}
	return &SnapshotFile{Path: o.Path, Written: o.Written, Revision: o.Revision}
}

func newSource(st record.SourceStatus) Source {
	src := Source{
		Name: st.Name, State: st.State.String(), Since: st.Since, Error: st.Err,
		LastSync: st.LastSync, LastRevision: st.LastRevision,
		Applied: st.Applied, Rejected: st.Rejected, RestartRequired: st.RestartRequired, Ignored: st.Ignored,
		History: make([]StateSpan, 0, len(st.History)), Snapshot: snapshotFile(st.Snapshot),
	}
	for _, n := range st.IgnoredNames {
		src.IgnoredNames = append(src.IgnoredNames, IgnoredName{Name: n.Name, Time: n.Time, Revision: n.Revision})
	}
	for _, sp := range st.History {
		src.History = append(src.History, StateSpan{State: sp.State.String(), Since: sp.Since, Until: sp.Until, Error: sp.Err})
	}
	return src
}

var redacted = flagz.Redacted

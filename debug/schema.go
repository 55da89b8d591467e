package debug

import (
	"fmt"
	"time"

	"github.com/flagz-go/flagz"
)

// Page is the JSON document the handler serves for ?format=json or
// Accept: application/json. Its fields are the contract of that document;
// new fields may be added, existing ones keep their names and meaning.
//
// Values of sensitive flags are "[redacted]" (flagz.Redacted) everywhere
// they would appear: value, default, last change, last rejection.
type Page struct {
	// FlagSet is the name of the flag set (flagz.Engine.Name: the program's
	// name for the command-line flag set), also the page's title.
	FlagSet string `json:"flag_set"`
	// Time is when the page was read.
	Time time.Time `json:"time"`
	// Filter echoes the filters that selected Flags.
	Filter Filter `json:"filter"`
	// Checksums of the current values, read just after Flags: under
	// concurrent changes they may be newer than the table.
	Checksums Checksums `json:"checksums"`
	// Sources lists every source registered with the flag set's engine,
	// sorted by name.
	Sources []Source `json:"sources"`
	// Flags lists the flags the filter selected, sorted by name.
	Flags []Flag `json:"flags"`
	// Setter is present when the handler's setter is on.
	Setter *Setter `json:"setter,omitempty"`
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
}

// Checksums holds the flag set's checksums (flagz.Engine.Checksum) as 16
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
	// refused, or that a static flag can take only after a restart (the
	// reason says so); absent if none was.
	LastRejection *Rejection `json:"last_rejection,omitempty"`
	// NotifierPanic is the last panic of one of the flag's notifiers.
	NotifierPanic string `json:"notifier_panic,omitempty"`
	// CommandLine is the value the flag was given on the command line
	// (before any source ran), if it was. A static flag keeps it whatever
	// its sources hold; a dynamic one follows its sources.
	CommandLine *string `json:"command_line,omitempty"`
	// Pending lists, by source, values sources hold that the process does
	// not run with.
	Pending []Pending `json:"pending,omitempty"`
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
}

// SetResult is the JSON answer of the setter.
type SetResult struct {
	// Flag is the name that was asked for.
	Flag string `json:"flag"`
	// Result is "applied", "unchanged", "rejected", "restart_required" or
	// "unknown" (flagz.Result's text); empty when the request itself was
	// refused (bad method, not authorized, malformed).
	Result string `json:"result,omitempty"`
	// Value is the flag's value after the request ("[redacted]" for a
	// sensitive flag); absent unless the flag exists.
	Value string `json:"value,omitempty"`
	// Error says why the request failed; absent on success.
	Error string `json:"error,omitempty"`
}

func checksumText(sum uint64) string { return fmt.Sprintf("%016x", sum) }

func newFlag(st flagz.FlagState) Flag {
	f := Flag{
		Name: st.Name, Type: st.Type, Syntax: st.Syntax.String(), Dynamic: st.Dynamic, Sensitive: st.Sensitive,
		Value: st.Value, Description: st.Description, Default: st.Default, Changed: st.Changed, Usage: st.Usage,
		NotifierPanic: st.NotifierPanic,
	}
	f.CommandLine = st.CommandLine
	for _, p := range st.Pending {
		f.Pending = append(f.Pending, Pending{Source: p.Source, Revision: p.Revision, Time: p.Time, Value: p.Value, CommandLine: p.CommandLine})
	}
	if c := st.LastChange; c != nil {
		f.LastChange = &Change{Time: c.Time, Source: c.Source, Revision: c.Revision,
			Old: c.Old, New: c.New, Removed: c.Removed}
	}
	if r := st.LastRejection; r != nil {
		f.LastRejection = &Rejection{Time: r.Time, Source: r.Source, Revision: r.Revision,
			Value: r.Value, Reason: r.Reason}
	}
	if f.Sensitive { // the engine redacts already; this guards against a future field
		f.Value, f.Default, f.Description = flagz.Redacted, flagz.Redacted, ""
		if f.LastChange != nil {
			f.LastChange.Old, f.LastChange.New = flagz.Redacted, flagz.Redacted
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
	}
	return f
}

func newSource(st flagz.SourceStatus) Source {
	return Source{
		Name: st.Name, State: st.State.String(), Since: st.Since, Error: st.Err,
		LastSync: st.LastSync, LastRevision: st.LastRevision,
		Applied: st.Applied, Rejected: st.Rejected, RestartRequired: st.RestartRequired, Ignored: st.Ignored,
	}
}

var redacted = flagz.Redacted

package debug

import (
	"time"

	"github.com/flagz-go/flagz/record"
)

// Page is the JSON document the handler serves for ?format=json or
// Accept: application/json. Its fields are the contract of that document;
// new fields may be added, existing ones keep their names and meaning.
//
// Values of sensitive flags are "[redacted]" (flagz.Redacted) everywhere
// they would appear: value, default, last change, last rejection, command
// line, pending, held-by and history (the engine redacts them in what it
// records); they have no JSON difference.
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
	// Refusing is how many of the selected flags (on every page) refuse a
	// value now (see Rejection.Current).
	Refusing int `json:"refusing"`
	// Checksums of the current values, read just after Flags: under
	// concurrent changes they may be newer than the table.
	Checksums Checksums `json:"checksums"`
	// Sources lists every source registered with the flag set's engine,
	// sorted by name: the engine's records as they are (their JSON form is
	// the record package's).
	Sources []record.SourceStatus `json:"sources"`
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
	// Refusing keeps only flags that refuse a value now: their last
	// rejection is current (query parameter refusing=true).
	Refusing bool `json:"refusing,omitempty"`
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
// DynamicMetric and StaticMetric are the same checksums as the metric
// flagz_checksum carries them: their top 53 bits (the checksum shifted
// right by 11), which Prometheus prints in decimal.
type Checksums struct {
	Dynamic       string `json:"dynamic"`
	Static        string `json:"static"`
	DynamicMetric uint64 `json:"dynamic_metric"`
	StaticMetric  uint64 `json:"static_metric"`
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

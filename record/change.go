package record

import "time"

// Change is one thing a source did to a flag: a change (Result Applied), a
// refused value (Rejected) or a static flag's change that waits for a
// restart (RestartRequired). flagz.FlagState's LastChange, LastRejection
// and History hold them; each is shared, never modified.
//
// The JSON field names are those of the debug page (/debug/flagz): tools
// parse them, so they do not change.
type Change struct {
	Time     time.Time `json:"time"`
	Source   string    `json:"source"`
	Revision int64     `json:"revision"`
	Result   Result    `json:"result"` // its name: "applied", "rejected", …
	// Old and New are the values before and after an applied change; for
	// a refused or pending value New is the value offered. Redacted for a
	// sensitive flag.
	Old     string `json:"old"`
	New     string `json:"new"`
	Removed bool   `json:"removed,omitempty"` // the source dropped the name (the flag went back to its default)
	Reason  string `json:"reason,omitempty"`  // why a value was refused or waits for a restart
	// Author and Comment say who made the change in the source and why,
	// when the source knows (Attribution): the etcd source reads them
	// from the record the flagz command writes beside each of its writes
	// (--author, --reason). Empty otherwise. The engine keeps at most
	// flagz.MaxAuthorBytes of Author and flagz.MaxCommentBytes of Comment.
	Author  string `json:"author,omitempty"`
	Comment string `json:"comment,omitempty"`
}

// Attribution is who made a change in a source, and why, as the source
// knows it (flagz.Source.Attribute).
type Attribution struct {
	Author  string
	Comment string
}

// Holding is what one source holds for a flag. Its JSON form is the debug
// page's (held_by and pending entries).
type Holding struct {
	Source   string `json:"source"`
	Value    string `json:"value"`    // Redacted for a sensitive flag
	Revision int64  `json:"revision"` // the revision of the source's last batch that set it
	// Matches is true when the text the source holds is the one the flag
	// runs with (JSON "current": it is the flag's current value).
	Matches bool `json:"current"`
	// Snapshot is set while the source serves the value from its snapshot
	// file (its origin has not answered).
	Snapshot *SnapshotOrigin `json:"snapshot,omitempty"`

	// For the values flagz.FlagState.Pending lists, which the process does
	// not run with:
	Time time.Time `json:"time,omitzero"` // when the source offered it
	// CommandLine is true when the flag keeps the value given on the
	// command line; false when the value takes effect at the next restart.
	CommandLine bool `json:"command_line"`
	// WinsAtRestart marks the pending value the flag will most likely
	// have after a restart: the command line wins over every source, and
	// between sources the last write wins, so it is the most recent one
	// when the flag was not given on the command line.
	WinsAtRestart bool `json:"wins_at_restart"`
}

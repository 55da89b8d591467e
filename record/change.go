package record

import "time"

// Change is one thing a source did to a flag: a change (Result Applied), a
// refused value (Rejected) or a static flag's change that waits for a
// restart (RestartRequired). flagz.FlagState's LastChange, LastRejection
// and History hold them; each is shared, never modified.
type Change struct {
	Time     time.Time
	Source   string
	Revision int64
	Result   Result
	// Old and New are the values before and after an applied change; for
	// a refused or pending value New is the value offered. Redacted for a
	// sensitive flag.
	Old, New string
	Removed  bool   // the source dropped the name (the flag went back to its default)
	Reason   string // why a value was refused or waits for a restart
	// Author and Comment say who made the change in the source and why,
	// when the source knows (Attribution): the etcd source reads them
	// from the record the flagz command writes beside each of its writes
	// (--author, --reason). Empty otherwise.
	Author, Comment string
}

// Attribution is who made a change in a source, and why, as the source
// knows it (flagz.Source.Attribute).
type Attribution struct {
	Author  string
	Comment string
}

// Holding is what one source holds for a flag.
type Holding struct {
	Source   string
	Value    string // Redacted for a sensitive flag
	Revision int64  // the revision of the source's last batch that set it
	// Matches is true when the text the source holds is the one the flag
	// runs with.
	Matches bool
	// Snapshot is set while the source serves the value from its snapshot
	// file (its origin has not answered).
	Snapshot *SnapshotOrigin

	// For the values flagz.FlagState.Pending lists, which the process does
	// not run with:
	Time time.Time // when the source offered it
	// CommandLine is true when the flag keeps the value given on the
	// command line; false when the value takes effect at the next restart.
	CommandLine bool
	// WinsAtRestart marks the pending value the flag will most likely
	// have after a restart: the command line wins over every source, and
	// between sources the last write wins, so it is the most recent one
	// when the flag was not given on the command line.
	WinsAtRestart bool
}

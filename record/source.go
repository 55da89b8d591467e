package record

import "time"

// State is the health of a source.
type State int

// The states of a source.
const (
	StateConnecting State = iota // not yet loaded
	StateServing                 // loaded and following changes
	StateDegraded                // cut off from its origin; the last good values stay
	StateStopped                 // stopped by its owner
)

var stateNames = [...]string{"CONNECTING", "SERVING", "DEGRADED", "STOPPED"}

// String gives the state's name in capitals, as the debug page, the
// metrics and the flagz command show it: "SERVING".
func (s State) String() string {
	if s < 0 || int(s) >= len(stateNames) {
		return "INVALID"
	}
	return stateNames[s]
}

// SourceStatus is a source's health and counters at one moment.
type SourceStatus struct {
	Name         string
	State        State
	Since        time.Time // when State was entered
	Err          string    // why the source is DEGRADED or CONNECTING, if it knows
	LastSync     time.Time // when the source last delivered a batch or confirmed it is current
	LastRevision int64     // the origin's revision at LastSync (etcd revision, resourceVersion, …)

	// Counts of outcomes, by result (see Result).
	Applied, Rejected, RestartRequired, Ignored, CommandLine uint64

	// History is the source's last states, oldest first, the current one
	// last (the last 16): a flapping source shows here.
	History []StateSpan
	// IgnoredNames are the most recent distinct names the source held that
	// no flag is declared with, most recent first (at most 100, each cut
	// to 256 bytes).
	IgnoredNames []IgnoredName
	// Snapshot is set while the source serves the values of its
	// last-known-good snapshot file because its origin has not answered.
	Snapshot *SnapshotOrigin
}

// StateSpan is one state a source was in, from Since until Until (zero
// while it still is).
type StateSpan struct {
	State        State
	Since, Until time.Time
	Err          string // why, for DEGRADED and CONNECTING, if the source said
}

// IgnoredName is a name a source held that no flag is declared with.
type IgnoredName struct {
	Name     string
	Time     time.Time // the last time the source offered it
	Revision int64
}

// SnapshotOrigin says that a source's values come from its last-known-good
// snapshot file because its origin has not answered yet.
type SnapshotOrigin struct {
	Path     string
	Written  time.Time // the file's modification time
	Revision int64     // the origin's revision the file was saved at
}

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

// SourceStatus is a source's health and counters at one moment. Its JSON
// form is the debug page's (sources[]).
type SourceStatus struct {
	Name  string    `json:"name"`
	State State     `json:"state"` // its name: "SERVING", …
	Since time.Time `json:"since"` // when State was entered
	// Err says why the source is DEGRADED or CONNECTING, if it knows.
	Err string `json:"error,omitempty"`
	// LastSync is when the source last delivered a batch or confirmed it
	// is current; zero (absent in JSON) if it never did.
	LastSync     time.Time `json:"last_sync,omitzero"`
	LastRevision int64     `json:"last_revision"` // the origin's revision at LastSync (etcd revision, resourceVersion, …)

	// Counts of outcomes, by result (see Result).
	Applied         uint64 `json:"applied"`
	Rejected        uint64 `json:"rejected"`
	RestartRequired uint64 `json:"restart_required"`
	Ignored         uint64 `json:"ignored"`
	CommandLine     uint64 `json:"command_line"`

	// History is the source's last states, oldest first, the current one
	// last (the last 16): a flapping source shows here.
	History []StateSpan `json:"history"`
	// IgnoredNames are the most recent distinct names the source held that
	// no flag is declared with, most recent first (at most 100, each cut
	// to 256 bytes).
	IgnoredNames []IgnoredName `json:"ignored_names,omitempty"`
	// Snapshot is set while the source serves the values of its
	// last-known-good snapshot file because its origin has not answered.
	Snapshot *SnapshotOrigin `json:"snapshot,omitempty"`
	// Problems are the source's failures beside serving values that last
	// now (a snapshot file it cannot write, a presence record it cannot
	// publish), sorted by name; nil when there is none.
	Problems []Problem `json:"problems,omitempty"`
	// Waiting is set while a batch of the source has waited for a while
	// (a second) on one flag: on code of the program that the change of
	// that flag runs (its parser and validators, or the Set of a flag.Value
	// flagz did not declare), or on another change of the flag holding it.
	// The changes of the origin after that batch wait too, so a SERVING
	// source is DEGRADED meanwhile, and Err says what it waits on (after
	// the source's own reason, if it has one); a source in another state
	// keeps it.
	Waiting *Wait `json:"waiting,omitempty"`
}

// StateSpan is one state a source was in, from Since until Until (zero,
// absent in JSON, while it still is).
type StateSpan struct {
	State State     `json:"state"`
	Since time.Time `json:"since"`
	Until time.Time `json:"until,omitzero"`
	Err   string    `json:"error,omitempty"` // why, for DEGRADED and CONNECTING, if the source said
}

// IgnoredName is a name a source held that no flag is declared with.
type IgnoredName struct {
	Name     string    `json:"name"`
	Time     time.Time `json:"time"` // the last time the source offered it
	Revision int64     `json:"revision"`
}

// SnapshotOrigin says that a source's values come from its last-known-good
// snapshot file because its origin has not answered yet.
type SnapshotOrigin struct {
	Path     string    `json:"path"`
	Written  time.Time `json:"written,omitzero"` // the file's modification time
	Revision int64     `json:"revision"`         // the origin's revision the file was saved at
}

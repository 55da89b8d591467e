package record

import "time"

// Problem is a failure beside a source's work that does not stop it from
// serving values but that an operator must see: its last-known-good
// snapshot file cannot be written ("snapshot"), the etcd watcher's
// presence record cannot be published ("presence"). It lasts from Since
// until the next success of what failed, which clears it. Its JSON form is
// the debug page's (sources[].problems[]).
type Problem struct {
	// Name is short and stable, the same every time the problem happens:
	// the debug page, the metric flagz_source_problem (as its problem
	// label) and the flagz command show it.
	Name string `json:"name"`
	// Err is the last failure's error.
	Err string `json:"error"`
	// Since is when the problem started: the first failure after a
	// success.
	Since time.Time `json:"since"`
}

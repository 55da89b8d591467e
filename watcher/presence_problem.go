package watcher

import (
	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/watcher/presence"
)

// ProblemPresence names the watcher's problem (record.Problem) while its
// presence record cannot be written (see WithPresence): etcd refuses the
// write (permissions, a request limit) or does not answer. The watcher
// keeps serving values and keeps trying with the runtime's backoff; tools
// waiting for the process (flagz set --wait) meanwhile see it as not
// answering, and flagz status shows its record as stale once it is older
// than its refresh period allows. It ends at the next write that succeeds.
const ProblemPresence = "presence"

// publishedProblems returns the problems a presence record lists: the
// source's, but ProblemPresence, which a record written is the end of.
func publishedProblems(list []record.Problem) []presence.Problem {
	var out []presence.Problem
	for _, p := range list {
		if p.Name != ProblemPresence {
			out = append(out, presence.Problem{Name: p.Name, Error: p.Err, Since: p.Since.UTC()})
		}
	}
	return out
}

package source

import (
	"github.com/flagz-go/flagz/internal/link"
)

// ProblemSnapshot names the problem of a source whose snapshot file (see
// Config.SnapshotFile) cannot be written: its error says why, and it ends
// at the next write that succeeds.
const ProblemSnapshot = "snapshot"

// SetProblem records that the source has the problem called name (err not
// nil), or no longer has it (err nil): a failure beside following the
// origin that does not stop the source from serving values but that an
// operator must see, such as a file or a record it keeps and cannot write.
// Call it with the error after each failure and with nil after each
// success; the problem lasts from the first failure to the next success.
//
// name is short and stable (ProblemSnapshot, "presence"): the debug page,
// the metric flagz_source_problem (its problem label) and record.SourceStatus
// show it. The start of a problem is logged once, as a warning, and its
// end once; the failures between change only its error. Stop ends every
// problem of the source. Before the source first runs (Initialize or
// Start), SetProblem does nothing.
func (r *Runtime) SetProblem(name string, err error) {
	src := r.src.Load()
	if src == nil {
		return
	}
	if name == "" {
		name = "unnamed"
	}
	switch started, ended := link.Problem(src, name, err); {
	case started:
		r.log.Warn("flagz: source problem: the source keeps serving its values, but "+name+" fails", "problem", name, "error", err)
	case ended:
		r.log.Info("flagz: source problem cleared: "+name+" works again", "problem", name)
	}
}

// clearProblems ends the source's problems when it stops: what failed is
// no longer tried.
func (r *Runtime) clearProblems(src any) {
	for _, p := range link.ClearProblems(src) {
		r.log.Info("flagz: source problem cleared: the source stopped", "problem", p.Name)
	}
}

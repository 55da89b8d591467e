package flagz

import (
	"log/slog"
	"time"

	"github.com/flagz-go/flagz/internal/link"
	"github.com/flagz-go/flagz/record"
)

// init gives package source, through internal/link, what a source runtime
// needs of the engine and flag users never see.
func init() {
	link.Claim = func(engine any, name string, owner any, logger *slog.Logger, errNameInUse error) (any, error) {
		return engine.(*Engine).claim(name, owner, logger, errNameInUse)
	}
	link.Release = func(src, owner any) {
		s := src.(*Source)
		s.e.release(s, owner)
	}
	link.Loaded = func(src any) bool { return src.(*Source).isLoaded() }
	link.LastApplied = func(src any, name string) (string, bool) { return src.(*Source).lastApplied(name) }
	link.AppliedValues = func(src any) map[string]string { return src.(*Source).appliedValues() }
	link.ServingSnapshot = func(src any, path string, written time.Time, revision int64) {
		var o *record.SnapshotOrigin
		if path != "" {
			o = &record.SnapshotOrigin{Path: path, Written: written, Revision: revision}
		}
		src.(*Source).setSnapshot(o)
	}
	link.Problem = func(src any, name string, err error) (bool, bool) { return src.(*Source).setProblem(name, err) }
	link.ClearProblems = func(src any) []record.Problem { return src.(*Source).clearProblems() }
	link.FormatList = formatList
	link.Explicit = func(src any) { src.(*Source).markExplicit() }
}

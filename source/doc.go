// Package source is for authors of flag sources, as database/sql/driver is
// for authors of database drivers: a flag user never needs it.
//
// A source is an Origin (list a snapshot at a revision, follow changes from
// a revision, optionally write back) run by a Runtime, which owns the
// lifecycle (Initialize, Start, Stop, Run), the states (CONNECTING,
// SERVING, DEGRADED, STOPPED), capped jittered backoff, relisting after a
// gap, the periodic resync, panic recovery and the last-known-good
// snapshot file, the same for every source. The Runtime hands batches to
// the engine of the flag set (flagz.EngineFor): the initial load, a full
// snapshot after start-up, changed names and names gone. The engine
// applies them under the rules every source shares, records the last
// change and rejection of every flag, counts updates, keeps each source's
// health, and tells subscribers (flagz.Engine.Subscribe).
//
// A new source is an Origin and a constructor:
//
//	type Source struct{ *source.Runtime }
//
//	func New(fs *pflag.FlagSet, db *sql.DB) (*Source, error) {
//		rt, err := source.New(fs, &tableOrigin{db}, source.Config{Name: "db:flags"})
//		if err != nil {
//			return nil, err
//		}
//		return &Source{rt}, nil
//	}
//
// and its tests run the conformance suite of package sourcetest
// (source/sourcetest), as every source in this repository does.
//
// A source never adds to the Runtime's lifecycle: what it does beside
// following while started is a BackgroundRunner, and an origin that needs
// the outcome of each batch applied is an Observer; the Runtime calls them.
// What such work retries backs off as the Runtime does (Backoff), and a
// failure of it that does not stop the source from serving values but that
// an operator must see (a record it cannot publish) is a problem the source
// reports by name (Runtime.SetProblem): the debug page, the metrics and the
// logs show it until the next success, as they show the Runtime's own
// (ProblemSnapshot).
// Go doc lists the methods a type gets by embedding only for types of the
// same package: the sources of this repository declare each lifecycle
// method as one line that calls the Runtime's (sourcetest.CheckDelegation
// holds them to it), so that `go doc watcher.Watcher.Initialize` answers.
// Their options embed Settings.
package source

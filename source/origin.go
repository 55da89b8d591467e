package source

import (
	"context"
	"errors"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/record"
)

// An Origin is where a source's values come from: an etcd prefix, a
// directory, a file, a ConfigMap. A source package supplies only its
// origin; a Runtime does everything else, the same way for every source:
// the lifecycle, the states, retries with backoff, listing again after a
// gap, the periodic resync, recovery from panics and the last-known-good
// snapshot file.
// See the package documentation for how a source is made of one.
type Origin interface {
	// List reads everything the origin holds, at one revision. An error
	// means the origin cannot be read now: the runtime keeps the last good
	// values and tries again with backoff.
	List(ctx context.Context) (Snapshot, error)

	// Follow reports to sink what changes after the snapshot at revision
	// from, until ctx ends (it then returns promptly) or it cannot follow
	// any more (it returns why). It may call sink from any goroutine, but
	// never after it has returned. An error wrapping ErrResync says that
	// history is gone (an etcd compaction): the runtime lists again at
	// once. Any other error makes the source DEGRADED; the runtime lists
	// again after a backoff and follows from the new snapshot.
	Follow(ctx context.Context, from int64, sink Sink) error
}

// ErrResync, wrapped in an error Follow returns, asks the runtime to list
// the origin again at once and reconcile: the changes since the last
// snapshot can no longer be followed, but the origin itself is fine.
var ErrResync = errors.New("flagz: follow from a new snapshot")

// Snapshot is everything an origin holds at one revision.
type Snapshot struct {
	// Revision is the origin's revision of the snapshot (an etcd
	// revision, a resourceVersion), or 0 when the origin has none.
	Revision int64
	// Values maps flag names to their text. Binary values are carried as
	// they are: a Go string holds any bytes.
	Values map[string]string
	// Versions optionally gives, per name, the revision of its last write,
	// which a WriteBacker needs to restore a refused value safely.
	Versions map[string]int64
	// Partial, if set, says that some names the origin holds could not be
	// read while the others could (a key of a directory that is a named
	// pipe): the snapshot applies, and the source is DEGRADED with Partial
	// until a snapshot without it arrives. Values should give each such
	// name the last value the origin read of it, since a name missing from
	// Values is gone and returns its flag to the default.
	Partial error
}

// A Sink receives what an origin sees while it follows. Its methods are
// safe for concurrent use and never block for long.
type Sink interface {
	// Update reports names whose values changed at revision.
	Update(revision int64, values map[string]string)
	// Remove reports names the origin no longer holds, as of revision.
	Remove(revision int64, names ...string)
	// Replace reports the origin's whole content, for origins that see
	// only whole versions (a directory, a file, a ConfigMap). A snapshot
	// equal to the one applied last changes nothing.
	Replace(s Snapshot)
	// Current reports that nothing changed up to revision (an etcd
	// progress notification).
	Current(revision int64)
	// Serving reports that following works (again): the source is SERVING
	// and the next failure starts its backoff afresh.
	Serving()
	// Degraded reports trouble the origin is riding out by itself (it
	// keeps following): the source is DEGRADED with err until Serving or
	// a change arrives.
	Degraded(err error)
}

// An Attributor is a Sink that takes who made the changes of a revision,
// and why, by name: an origin that knows (the etcd source reads the
// record the flagz command writes beside each of its writes) calls
// Attribute just before the Update or Remove of that revision, and the
// engine records them on what that batch does (record.Change.Author and
// Comment). The Runtime's sinks are Attributors.
type Attributor interface {
	Attribute(revision int64, by map[string]record.Attribution)
}

// An Observer is an Origin that is told what became of each batch the
// runtime hands to the engine: the initial load and every later listing,
// the snapshot file, and each Update, Remove and Replace it reported. The
// etcd source publishes from them what its process refuses.
type Observer interface {
	// Applied is given the report the engine returned for the batch of
	// revision (numbered by the runtime for an origin without revisions),
	// once the batch is applied and before the call that applied it
	// returns: on the goroutine of Initialize's caller, of the runtime, or
	// the one that called the Sink. It must not keep or change report
	// beyond the call, and must not block for long.
	Applied(revision int64, report flagz.Report)
}

// A BackgroundRunner is an Origin with work of its own to do while its
// source is started, beside following: the etcd source keeps the
// process's presence record.
type BackgroundRunner interface {
	// RunBackground runs from Start until ctx ends (Stop, or the end of
	// Start's context), then returns promptly; Stop waits for it, and
	// the next Start runs it again.
	RunBackground(ctx context.Context)
}

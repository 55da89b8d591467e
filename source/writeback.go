package source

import (
	"context"
	"errors"
	"sync"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/internal/link"
	"github.com/flagz-go/flagz/record"
)

// A WriteBacker is an Origin that can undo a write a flag refused, as the
// etcd source rolls bad values back (Config.Rollback). The runtime undoes
// each refused write once, unless it came with the source's initial load
// (the first listing): a refusal then is this build disagreeing with the
// fleet's value, which it must not overrule. Undoing puts back what the
// name held before the refused write, as Before tells, passing over the
// writes this runtime refused as well (restoring one would only be refused
// again), or deletes the name if it did not exist before. Only when the
// origin's history no longer goes back that far does the runtime put back
// the value it last applied itself, or nothing if it never applied one.
type WriteBacker interface {
	// Before returns what name held just before its write at version: the
	// value and the version of the write that made it, or version 0 if name
	// did not exist then. An error wrapping ErrHistoryGone says the origin
	// no longer keeps that part of its history.
	Before(ctx context.Context, name string, version int64) (value string, valueVersion int64, err error)

	// WriteBack replaces the value of name written at badVersion with good,
	// or deletes name when good is nil, only if that write is still the
	// latest (so a newer write always wins, and each refused write causes
	// at most one write back). It reports whether it wrote.
	WriteBack(ctx context.Context, name string, badVersion int64, good *string) (bool, error)
}

// ErrHistoryGone, wrapped in an error WriteBacker.Before returns, says that
// the origin no longer keeps the history asked for (an etcd compaction).
var ErrHistoryGone = errors.New("flagz: the origin's history no longer goes back that far")

// ErrNotUndoable, wrapped in an error WriteBacker.Before returns, says that
// the refused value is not a write of the name the origin would undo (the
// etcd source applies a canary's value, which lives beside the flag's key,
// over it): the runtime leaves it, and logs why at INFO.
var ErrNotUndoable = errors.New("flagz: the refused value is no write of the name to undo")

// Bounds of what a rollback reads and remembers.
const (
	// maxUndoSteps bounds the reads of one rollback: how many writes this
	// process refused it looks past to find the value before them.
	maxUndoSteps = 16
	// maxRefused bounds the versions a runtime remembers refusing per name
	// since the name last took a value.
	maxRefused = 2 * maxUndoSteps
)

// undoState is what rolling back remembers between batches.
type undoState struct {
	mu     sync.Mutex
	listed bool  // a listing of the origin was applied: later ones are reconciles
	seen   int64 // the origin's writes up to this version were handled
	// refused holds, per name, the versions of the writes this runtime
	// refused after its initial load, since the name last took a value,
	// oldest first.
	refused map[string][]int64
}

// writeBackListed undoes the refused writes a listing (or a whole snapshot
// the origin replaced) found, except at the first listing this runtime
// applies: that is its initial load, and a refusal then is this build
// disagreeing with the fleet, which it must not overrule. Writes it had
// seen before are not undone again.
func (r *Runtime) writeBackListed(ctx context.Context, src *flagz.Source, report flagz.Report, snap Snapshot) {
	wb, ok := r.writeBacker()
	if !ok {
		return
	}
	u := &r.undo
	u.mu.Lock()
	first, seen := !u.listed, u.seen
	u.listed, u.seen = true, max(seen, snap.Revision)
	u.mu.Unlock()
	if first {
		return
	}
	r.undoRefused(ctx, src, wb, report, snap.Values, func(name string) int64 {
		if v := snap.Versions[name]; v > seen {
			return v
		}
		return 0
	})
}

// writeBackUpdate undoes the writes of one change the report shows refused.
func (r *Runtime) writeBackUpdate(ctx context.Context, src *flagz.Source, report flagz.Report, revision int64, values map[string]string) {
	wb, ok := r.writeBacker()
	if !ok {
		return
	}
	r.undo.mu.Lock()
	r.undo.seen = max(r.undo.seen, revision)
	r.undo.mu.Unlock()
	r.undoRefused(ctx, src, wb, report, values, func(string) int64 { return revision })
}

// writeBacker returns the origin as a WriteBacker if the runtime rolls back
// and the origin can.
func (r *Runtime) writeBacker() (WriteBacker, bool) {
	wb, ok := r.origin.(WriteBacker)
	return wb, ok && r.cfg.Rollback
}

// undoRefused undoes, in the origin, each write of values the report shows
// refused whose version (version(name); 0 for none) is known.
func (r *Runtime) undoRefused(ctx context.Context, src *flagz.Source, wb WriteBacker, report flagz.Report, values map[string]string, version func(string) int64) {
	for _, o := range report {
		switch o.Result {
		case record.Applied, record.Unchanged:
			r.undo.forget(o.Flag)
		case record.Rejected:
			if v := version(o.Flag); v > 0 {
				r.undoWrite(ctx, src, wb, o.Flag, values[o.Flag], v)
				r.undo.refusedAt(o.Flag, v)
			}
		}
	}
}

// The outcomes of one rollback, as logged.
const (
	undoRestored = "restored the value the key held before the refused write"
	undoFallback = "restored the value this process last applied: the history before the refused write is compacted"
	undoDeleted  = "deleted the key: it did not exist before the refused write"
	undoLeft     = "left the refused value: nothing to restore"
)

// undoWrite undoes the write of bad to name at badVersion: it puts back
// what name held before that write (see undoTarget), in a write that only
// succeeds while badVersion is still name's latest.
func (r *Runtime) undoWrite(ctx context.Context, src *flagz.Source, wb WriteBacker, name, bad string, badVersion int64) {
	attrs := []any{"flag", name, "bad_revision", badVersion}
	var (
		restore *string
		what    string
		wrote   bool
	)
	err := r.safely("write back", func() (err error) {
		restore, what, err = r.undoTarget(ctx, src, wb, name, bad, badVersion)
		if err != nil || what == undoLeft {
			return err
		}
		wrote, err = wb.WriteBack(ctx, name, badVersion, restore)
		return err
	})
	switch {
	case errors.Is(err, ErrNotUndoable):
		r.log.Info("flagz: refused value not rolled back", append(attrs, "why", err)...)
	case err != nil:
		r.log.Warn("flagz: rolling back a refused value failed", append(attrs, "error", err)...)
	case what == undoLeft:
		r.log.Info("flagz: refused value not rolled back: "+what, attrs...)
	case !wrote:
		r.log.Info("flagz: no rollback: a newer write replaced the refused value", attrs...)
	default:
		r.log.Warn("flagz: refused value rolled back: "+what, attrs...)
	}
}

// undoTarget decides what undoing the write of bad to name at badVersion
// restores: the value name held before that write, passing over the
// writes this runtime refused as well (restoring one would only make it
// refuse that again), or nil when name did not exist before. If the
// origin's history no longer reaches that far, or the refused writes run
// deeper than maxUndoSteps, it is the value this runtime last applied. It
// restores nothing (undoLeft) when that would write bad again, or when no
// value is known.
func (r *Runtime) undoTarget(ctx context.Context, src *flagz.Source, wb WriteBacker, name, bad string, badVersion int64) (*string, string, error) {
	fallback := func() (*string, string, error) {
		good, ok := link.LastApplied(src, name)
		if !ok || good == bad {
			return nil, undoLeft, nil
		}
		return &good, undoFallback, nil
	}
	at := badVersion
	for range maxUndoSteps {
		value, version, err := wb.Before(ctx, name, at)
		switch {
		case errors.Is(err, ErrHistoryGone):
			return fallback()
		case err != nil:
			return nil, "", err
		case version <= 0:
			return nil, undoDeleted, nil
		case version >= at:
			return nil, "", errors.New("the origin answered with a write that is not older than the one asked about")
		case r.undo.wasRefused(name, version):
			at = version
			continue
		case value == bad:
			return nil, undoLeft, nil
		}
		return &value, undoRestored, nil
	}
	return fallback()
}

// refusedAt records that the runtime refused the write of name at version.
func (u *undoState) refusedAt(name string, version int64) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.refused == nil {
		u.refused = map[string][]int64{}
	}
	vs := u.refused[name]
	if len(vs) == maxRefused {
		vs = append(vs[:0], vs[1:]...)
	}
	u.refused[name] = append(vs, version)
}

// wasRefused reports whether the runtime refused the write of name at
// version since name last took a value.
func (u *undoState) wasRefused(name string, version int64) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, v := range u.refused[name] {
		if v == version {
			return true
		}
	}
	return false
}

// forget drops what the runtime refused of name: name took a value, and
// the history before it no longer matters.
func (u *undoState) forget(name string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	delete(u.refused, name)
}

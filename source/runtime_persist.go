package source

import (
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/internal/link"
	"github.com/flagz-go/flagz/record"
)

// saved notes that the flags changed, so that the snapshot file (if any) is
// written again. The goroutine persistLoop writes it, so a storm of changes
// costs a few writes, never one per change, and never slows them.
func (r *Runtime) saved(changed bool) {
	if !changed || r.cfg.SnapshotFile == "" {
		return
	}
	select {
	case r.dirty <- struct{}{}:
	default: // a write is pending already
	}
}

// persistLoop writes the snapshot file after changes, until ctx ends; a
// change not yet written then is written before it returns. While writes
// fail (ProblemSnapshot), it tries again with the runtime's backoff, so the
// problem ends soon after its cause does (a directory created, a disk
// emptied), without waiting for a change.
func (r *Runtime) persistLoop(ctx context.Context, src *flagz.Source) {
	bo := NewBackoff(r.cfg.MinBackoff, r.cfg.MaxBackoff)
	var retry <-chan time.Time
	outcome := func(ok bool) {
		retry = nil
		if ok {
			bo.Reset()
		} else {
			retry = time.After(bo.Next())
		}
	}
	if slices.ContainsFunc(src.Status().Problems, func(p record.Problem) bool { return p.Name == ProblemSnapshot }) {
		outcome(false) // the write of Initialize failed
	}
	for {
		select {
		case <-r.dirty:
			outcome(r.writeSnapshot(src))
		case <-retry:
			outcome(r.writeSnapshot(src))
		case <-ctx.Done():
			select {
			case <-r.dirty:
				r.writeSnapshot(src)
			default:
			}
			return
		}
	}
}

// writeSnapshot saves the values the source applied, and reports whether
// it could. A failure is the source's problem ProblemSnapshot until a
// write succeeds: the flags are set already.
func (r *Runtime) writeSnapshot(src *flagz.Source) (ok bool) {
	if r.cfg.SnapshotFile == "" {
		return true
	}
	values := link.AppliedValues(src)
	r.mu.Lock()
	rev := r.rev
	r.mu.Unlock()
	err := writeSnapshotFile(r.cfg.SnapshotFile, r.cfg.Name, rev, values)
	if err != nil {
		err = fmt.Errorf("cannot save the snapshot file %s: %w", r.cfg.SnapshotFile, err)
	}
	r.SetProblem(ProblemSnapshot, err)
	return err == nil
}

// fromSnapshot records that the source serves the values of the snapshot
// file, saved at revision, until its origin answers: the debug page names
// the file and when it was written.
func (r *Runtime) fromSnapshot(src *flagz.Source, revision int64) {
	var written time.Time
	if info, err := os.Stat(r.cfg.SnapshotFile); err == nil {
		written = info.ModTime()
	}
	link.ServingSnapshot(src, r.cfg.SnapshotFile, written, revision)
}

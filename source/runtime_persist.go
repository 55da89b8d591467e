package source

import (
	"context"
	"os"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/internal/link"
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
// change not yet written then is written before it returns.
func (r *Runtime) persistLoop(ctx context.Context, src *flagz.Source) {
	for {
		select {
		case <-r.dirty:
			r.writeSnapshot(src)
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

// writeSnapshot saves the values the source applied. A failure is logged:
// the flags are set already.
func (r *Runtime) writeSnapshot(src *flagz.Source) {
	if r.cfg.SnapshotFile == "" {
		return
	}
	values := link.AppliedValues(src)
	r.mu.Lock()
	rev := r.rev
	r.mu.Unlock()
	if err := writeSnapshotFile(r.cfg.SnapshotFile, r.cfg.Name, rev, values); err != nil {
		r.log.Warn("flagz: cannot save the snapshot file", "path", r.cfg.SnapshotFile, "error", err)
	}
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

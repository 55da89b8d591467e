package watcher

import (
	"context"
	"errors"

	"github.com/flagz-go/flagz"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
)

// run is the goroutine Start launches: list when the flags may be stale,
// watch from the next revision, and when the watch breaks, list again and
// reconcile. Failures to reach etcd are retried with backoff and reported
// as DEGRADED; the flags keep their last good values meanwhile.
func (w *Watcher) run(ctx context.Context, done chan struct{}) {
	defer close(done)
	defer func() {
		// A later Start lists again rather than replaying history.
		w.current = false
		w.src.SetState(flagz.StateStopped, nil)
	}()
	bo := newBackoff(w.opts.minBackoff, w.opts.maxBackoff)
	for ctx.Err() == nil {
		if !w.current {
			err := w.safely("list", func() error {
				_, err := w.resync(ctx)
				return err
			})
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				w.degrade("list", err)
				bo.wait(ctx)
				continue
			}
		}
		err := w.safely("watch", func() error { return w.follow(ctx, bo) })
		w.current = false
		if ctx.Err() != nil {
			return
		}
		if errors.Is(err, rpctypes.ErrCompacted) {
			// History the watch needs is gone: a listing catches up.
			w.log.Info("flagz watcher: watch revision compacted, listing again", "revision", w.rev+1)
			continue
		}
		w.degrade("watch", err)
		bo.wait(ctx)
	}
}

// degrade records that etcd cannot be followed right now: DEGRADED, or
// still CONNECTING if nothing was ever loaded.
func (w *Watcher) degrade(what string, err error) {
	st := flagz.StateDegraded
	if !w.loaded {
		st = flagz.StateConnecting
	}
	w.src.SetState(st, err)
	w.log.Warn("flagz watcher: etcd unreachable, keeping the last good values", "operation", what, "error", err)
}

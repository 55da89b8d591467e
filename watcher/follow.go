package watcher

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/flagz-go/flagz"
	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"
)

var (
	errWatchClosed     = errors.New("watch closed by the client")
	errWatchNotCreated = errors.New("etcd did not confirm the creation of the watch")
)

// follow watches the prefix from the revision after w.rev and applies each
// event, until the watch fails; it returns why. Creating the watch is
// bounded by the request timeout, and every health-check interval a
// healthCheck judges whether the watch still delivers what etcd holds,
// since the client would otherwise keep retrying silently while the server
// or the network is gone.
func (w *Watcher) follow(ctx context.Context, bo *backoff) error {
	wctx, cancel := context.WithCancel(w.watchContext(ctx))
	wch, err := w.openWatch(wctx, cancel)
	if err != nil {
		return err
	}
	defer w.closeWatch(cancel, wch)

	health := &healthCheck{w: w, wctx: wctx}
	probe := time.NewTicker(w.opts.probeInterval)
	defer probe.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case resp, ok := <-wch:
			if !ok {
				return errWatchClosed
			}
			health.answered()
			if err := resp.Err(); err != nil {
				return err
			}
			switch {
			case resp.Created:
				bo.reset()
				w.src.SetState(flagz.StateServing, nil)
			case resp.IsProgressNotify():
				w.rev = max(w.rev, resp.Header.Revision)
				w.src.Synced(resp.Header.Revision)
			default:
				w.apply(ctx, resp.Events)
			}
		case <-probe.C:
			if err := health.probe(); err != nil {
				return err
			}
		case <-health.answerDue:
			return health.timedOut()
		}
	}
}

// openWatch creates the watch on wctx and returns its channel.
// clientv3.Watch returns only once etcd has confirmed the watch, or wctx
// has ended: with etcd unreachable it would wait for as long as the
// outage lasts, so it runs in a goroutine and is given the request
// timeout. On timeout wctx is canceled, which makes Watch return at once.
func (w *Watcher) openWatch(wctx context.Context, cancel context.CancelFunc) (clientv3.WatchChan, error) {
	opened := make(chan clientv3.WatchChan, 1)
	go func() {
		opened <- w.client.Watch(wctx, w.keyPrefix,
			clientv3.WithPrefix(),
			clientv3.WithRev(w.rev+1),
			clientv3.WithProgressNotify(),
			clientv3.WithCreatedNotify(),
		)
	}()
	timeout := time.NewTimer(w.opts.requestTimeout)
	defer timeout.Stop()
	select {
	case wch := <-opened:
		return wch, nil
	case <-timeout.C:
		cancel() // Watch returns once wctx is done
		w.closeWatch(cancel, <-opened)
		return nil, fmt.Errorf("%w within %v", errWatchNotCreated, w.opts.requestTimeout)
	}
}

// closeWatch cancels the watch and waits until the client has closed its
// channel, so that no watch outlives follow.
func (w *Watcher) closeWatch(cancel context.CancelFunc, wch clientv3.WatchChan) {
	cancel()
	timeout := time.NewTimer(w.opts.requestTimeout)
	defer timeout.Stop()
	for {
		select {
		case _, ok := <-wch:
			if !ok {
				return
			}
		case <-timeout.C:
			w.log.Warn("flagz watcher: the client did not close a canceled watch in time")
			return
		}
	}
}

// apply hands watch events to the engine one at a time, in order, each with
// its own revision, and rolls back values a flag refuses. An event whose
// handling panics is logged and skipped; the following ones still apply.
func (w *Watcher) apply(ctx context.Context, events []*clientv3.Event) {
	changed := false
	for _, ev := range events {
		w.rev = max(w.rev, ev.Kv.ModRevision)
		name, ok := w.flagName(ev.Kv.Key)
		if !ok {
			continue
		}
		w.safely("event of flag "+name, func() error {
			changed = w.applyEvent(ctx, name, ev) || changed
			return nil
		})
	}
	if changed {
		w.persist()
	}
}

// applyEvent applies one event to the flag called name and reports whether
// the flag changed.
func (w *Watcher) applyEvent(ctx context.Context, name string, ev *clientv3.Event) bool {
	rev := ev.Kv.ModRevision
	var report flagz.Report
	switch ev.Type {
	case mvccpb.PUT:
		report = w.src.Update(rev, map[string]string{name: string(ev.Kv.Value)})
		if w.opts.rollback && report.Count(flagz.Rejected) > 0 {
			w.rollBack(ctx, name, rev)
		}
	case mvccpb.DELETE:
		report = w.src.Remove(rev, name)
	}
	return report.Count(flagz.Applied) > 0
}

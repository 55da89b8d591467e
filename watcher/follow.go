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
	errWatchClosed = errors.New("watch closed by the client")
	errNoAnswer    = errors.New("etcd did not answer a progress request on the watch")
)

// follow watches the prefix from the revision after w.rev and applies each
// event, until the watch fails; it returns why. Every health-check interval
// it asks etcd for a progress notification on the watch stream: if no
// response of any kind arrives within the request timeout, the stream is
// dead (the server is gone, or the network is), even though the client
// would keep retrying silently.
func (w *Watcher) follow(ctx context.Context, bo *backoff) error {
	wctx, cancel := context.WithCancel(clientv3.WithRequireLeader(ctx))
	wch := w.client.Watch(wctx, w.keyPrefix,
		clientv3.WithPrefix(),
		clientv3.WithRev(w.rev+1),
		clientv3.WithProgressNotify(),
		clientv3.WithCreatedNotify(),
	)
	defer w.closeWatch(cancel, wch)

	probe := time.NewTicker(w.opts.probeInterval)
	defer probe.Stop()
	var answerDue <-chan time.Time // set while a progress request waits for an answer
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case resp, ok := <-wch:
			if !ok {
				return errWatchClosed
			}
			answerDue = nil
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
			if answerDue != nil {
				continue
			}
			if err := w.requestProgress(wctx); err != nil {
				return fmt.Errorf("%w: %w", errNoAnswer, err)
			}
			answerDue = time.After(w.opts.requestTimeout)
		case <-answerDue:
			return fmt.Errorf("%w within %v", errNoAnswer, w.opts.requestTimeout)
		}
	}
}

// requestProgress asks for a progress notification on the stream of wctx's
// watch. The client blocks while it reconnects, hence the timeout.
func (w *Watcher) requestProgress(wctx context.Context) error {
	ctx, cancel := context.WithTimeout(wctx, w.opts.requestTimeout)
	defer cancel()
	return w.client.RequestProgress(ctx)
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

package watcher

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/source"
	"go.etcd.io/etcd/api/v3/mvccpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
)

var (
	errWatchClosed     = errors.New("watch closed by the client")
	errWatchNotCreated = errors.New("etcd did not confirm the creation of the watch")
)

// Follow watches the prefix from the revision after from and reports each
// event, until the watch fails; it returns why (a compaction wraps
// source.ErrResync: the runtime lists again at once). Creating the watch is
// bounded by the request timeout, and within every health-check interval
// a healthCheck judges whether the watch still delivers what etcd holds,
// since the client would otherwise keep retrying silently while the server
// or the network is gone. The check's requests run beside the loop: an
// event that arrives while etcd is slow to answer one is applied at once.
func (o *etcdOrigin) Follow(ctx context.Context, from int64, sink source.Sink) error {
	mctx := o.watchContext(ctx)
	wctx, cancel := context.WithCancel(mctx)
	wch, err := o.openWatch(wctx, cancel, from)
	if err != nil {
		return err
	}
	defer o.closeWatch(cancel, wch)

	health := &healthCheck{o: o, mctx: mctx, delivered: from, sink: sink, keys: -1, outcomes: make(chan func() error, 1)}
	o.listedMu.Lock()
	if o.listedRev == from {
		health.keys = o.listedN
	}
	o.listedMu.Unlock()
	defer health.abandon() // first: a check in flight ends before the watch is closed
	probe := time.NewTimer(earlier(o.opts.probeInterval))
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
				if errors.Is(err, rpctypes.ErrCompacted) {
					return fmt.Errorf("%w: watch revision %d compacted: %w", source.ErrResync, health.delivered+1, err)
				}
				return err
			}
			switch {
			case resp.Created:
				sink.Serving()
				// The snapshot Follow starts from was just applied.
				o.presence.advance(from)
			case resp.IsProgressNotify():
				health.delivered = max(health.delivered, resp.Header.Revision)
				sink.Current(resp.Header.Revision)
				o.presence.seen(resp.Header.Revision)
			default:
				for _, ev := range resp.Events {
					health.delivered = max(health.delivered, ev.Kv.ModRevision)
					health.counted(ev)
				}
				o.reportAll(sink, resp.Events)
				o.presence.advance(health.delivered) // one presence write per watch response
			}
		case <-probe.C:
			health.tick()
			probe.Reset(earlier(o.opts.probeInterval))
		case <-health.answerDue:
			if err := health.due(); err != nil {
				return err
			}
		case outcome := <-health.outcomes:
			if err := health.ended(outcome); err != nil {
				return err
			}
		}
	}
}

// openWatch creates the watch on wctx from the revision after from and
// returns its channel. clientv3.Watch returns only once etcd has confirmed
// the watch, or wctx has ended: with etcd unreachable it would wait for as
// long as the outage lasts, so it runs in a goroutine and is given the
// request timeout. On timeout wctx is canceled, which makes Watch return at
// once.
func (o *etcdOrigin) openWatch(wctx context.Context, cancel context.CancelFunc, from int64) (clientv3.WatchChan, error) {
	opened := make(chan clientv3.WatchChan, 1)
	go func() {
		opened <- o.client.Watch(wctx, o.keyPrefix,
			clientv3.WithPrefix(),
			clientv3.WithRev(from+1),
			clientv3.WithProgressNotify(),
			clientv3.WithCreatedNotify(),
		)
	}()
	timeout := time.NewTimer(o.opts.requestTimeout)
	defer timeout.Stop()
	select {
	case wch := <-opened:
		return wch, nil
	case <-timeout.C:
		cancel() // Watch returns once wctx is done
		o.closeWatch(cancel, <-opened)
		return nil, fmt.Errorf("%w within %v", errWatchNotCreated, o.opts.requestTimeout)
	}
}

// closeWatch cancels the watch and waits until the client has closed its
// channel, so that no watch outlives Follow.
func (o *etcdOrigin) closeWatch(cancel context.CancelFunc, wch clientv3.WatchChan) {
	cancel()
	timeout := time.NewTimer(o.opts.requestTimeout)
	defer timeout.Stop()
	for {
		select {
		case _, ok := <-wch:
			if !ok {
				return
			}
		case <-timeout.C:
			o.log.Warn("flagz watcher: the client did not close a canceled watch in time")
			return
		}
	}
}

// reportAll hands one watch response's events to sink, a batch per
// revision: the puts of one revision (one transaction) as one Update, its
// deletes as one Remove, each with that revision, as the canaries of this
// process make them (canaryOverlay.batch), and, before them, who made
// them and why, from the flagz command's change records of that revision
// (source.Attributor). Keys that stand for no flag and hold no canary or
// change record are skipped.
func (o *etcdOrigin) reportAll(sink source.Sink, events []*clientv3.Event) {
	var (
		rev      int64
		puts     map[string]string
		removed  []string
		canaries []*clientv3.Event
		by       map[string]record.Attribution
	)
	flush := func() {
		puts, removed = o.canary.batch(rev, puts, removed, canaries)
		if a, ok := sink.(source.Attributor); ok && len(by) > 0 && len(puts)+len(removed) > 0 {
			a.Attribute(rev, by)
		}
		if len(puts) > 0 {
			sink.Update(rev, puts)
		}
		if len(removed) > 0 {
			sink.Remove(rev, removed...)
		}
		puts, removed, canaries, by = nil, nil, nil, nil
	}
	for _, ev := range events {
		name, ok := o.flagName(ev.Kv.Key)
		_, isCanary := o.canary.owns(ev.Kv.Key)
		changed, a, isChange := o.attribution(ev)
		if !ok && !isCanary && !isChange {
			continue
		}
		if ev.Kv.ModRevision != rev {
			flush()
			rev = ev.Kv.ModRevision
		}
		switch {
		case isChange:
			if by == nil {
				by = map[string]record.Attribution{}
			}
			by[changed] = a
		case isCanary:
			canaries = append(canaries, ev)
		case ev.Type == mvccpb.PUT:
			if puts == nil {
				puts = map[string]string{}
			}
			puts[name] = string(ev.Kv.Value)
		case ev.Type == mvccpb.DELETE:
			removed = append(removed, name)
		}
	}
	flush()
}

package watcher

import (
	"context"
	"os"
	"sync"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/watcher/presence"
)

// Applied hands each batch the runtime applied to the presence record
// (source.Observer): its refusals become the record's rejections.
func (o *etcdOrigin) Applied(revision int64, report flagz.Report) {
	o.presence.batchApplied(revision, report)
}

// RunBackground keeps the presence record while the watcher is started
// (source.BackgroundRunner); without WithPresence it returns at once.
func (o *etcdOrigin) RunBackground(ctx context.Context) {
	o.presence.run(ctx)
}

// run publishes the record until ctx ends, writing it again whenever the
// source's state changes too, then revokes its lease, deleting it.
func (ps *presenceState) run(ctx context.Context) {
	if ps == nil {
		return
	}
	unsubscribe := ps.engine.Subscribe(func(ev flagz.Event) {
		if ev.State != nil && ev.Source == ps.source {
			ps.writer.changed()
		}
	})
	defer unsubscribe()
	var wg sync.WaitGroup
	if ps.health != nil {
		wg.Go(func() { ps.health.run(ctx, ps.writer.changed) })
	}
	ps.writer.run(ctx)
	wg.Wait()
}

// newPresenceState prepares the presence record of the watcher whose
// origin is o, which follows the flags of fs and whose status is status.
func newPresenceState[F flagz.FlagSet](fs F, status func() record.SourceStatus, o *etcdOrigin) *presenceState {
	po := o.opts.presence
	id := po.id
	if id == "" {
		id = newPresenceID()
	}
	client := po.client
	if client == nil {
		client = o.client
	}
	engine := flagz.EngineFor(fs)
	ps := &presenceState{
		base: presence.Record{ID: id, Host: hostname(), PID: os.Getpid(), Started: processStarted.UTC(),
			Version: po.version, FlagSet: engine.Name(), Prefix: o.prefix},
		engine: engine,
		source: o.opts.Config.Name,
		status: status,
		// Constraints are outside the fingerprint: compared once per TTL.
		infoRecheck: po.ttl,
	}
	ps.writer = &presenceWriter{
		client:  client,
		key:     presence.Key(o.prefix, id),
		infoKey: presence.InfoKey(o.prefix, id),
		ttl:     po.ttlSeconds(),
		timeout: o.opts.requestTimeout,
		min:     o.opts.Config.MinBackoff,
		// Retry at least once per TTL: the record is back within about
		// one TTL of etcd answering again.
		max:         max(o.opts.Config.MinBackoff, min(o.opts.Config.MaxBackoff, po.ttl)),
		spread:      po.spread,
		log:         o.log,
		build:       ps.encode,
		infoVersion: ps.infoVersion,
		info:        ps.buildInfo,
		poke:        make(chan struct{}, 1),
	}
	if po.health != nil {
		ps.health = &selfHealth{check: po.health, every: po.healthEvery, log: o.log}
	}
	return ps
}

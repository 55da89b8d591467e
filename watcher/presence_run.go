package watcher

import (
	"context"
	"os"
	"sync"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/source"
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
// source's state or the problems the record lists change too, then
// revokes its lease, deleting it.
func (ps *presenceState) run(ctx context.Context) {
	if ps == nil {
		return
	}
	var last string // the state and problems last asked to be written
	unsubscribe := ps.engine.Subscribe(func(ev flagz.Event) {
		if ev.State == nil || ev.Source != ps.source {
			return
		}
		// ProblemPresence starting or ending changes nothing a record says.
		now := ev.State.State.String()
		for _, p := range publishedProblems(ev.State.Problems) {
			now += " " + p.Name
		}
		if now != last {
			last = now
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
// origin is o, which follows the flags of fs, whose status is status and
// whose problems setProblem records (source.Runtime.SetProblem).
func newPresenceState[F flagz.FlagSet](fs F, status func() record.SourceStatus, setProblem func(string, error), o *etcdOrigin) *presenceState {
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
		infoRecheck:    po.ttl,
		refreshSeconds: int64((po.refresh + time.Second - 1) / time.Second),
	}
	ps.writer = &presenceWriter{
		client:  client,
		key:     presence.Key(o.prefix, id),
		infoKey: presence.InfoKey(o.prefix, id),
		ttl:     po.ttlSeconds(),
		timeout: o.opts.requestTimeout,
		// The runtime's backoff, but retrying at least once per TTL: the
		// record is back within about one TTL of etcd answering again.
		backoff:     source.NewBackoff(o.opts.Config.MinBackoff, min(o.opts.Config.MaxBackoff, po.ttl)),
		spread:      po.spread,
		refresh:     po.refresh,
		problem:     func(err error) { setProblem(ProblemPresence, err) },
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

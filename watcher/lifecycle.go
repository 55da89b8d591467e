package watcher

import (
	"context"
	"os"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/watcher/presence"
)

// Start follows the prefix in a goroutine until ctx ends or Stop is called
// (see source.Runtime.Start); with WithPresence it also publishes the
// process's presence record until then.
func (w *Watcher) Start(ctx context.Context) error {
	w.life.Lock()
	defer w.life.Unlock()
	ps := w.origin.presence
	if ps == nil || ps.writer.running() {
		// Without presence, or already running: the runtime says
		// ErrRunning and the record stays as it is.
		return w.Runtime.Start(ctx)
	}
	ps.prepare()
	if err := w.Runtime.Start(ctx); err != nil {
		return err
	}
	ps.start(ctx)
	return nil
}

// Stop ends what Start began and waits until every goroutine of the watcher
// has exited (see source.Runtime.Stop); with WithPresence it revokes the
// presence record's lease, which deletes the record. Calling it again does
// nothing.
func (w *Watcher) Stop() {
	w.life.Lock()
	defer w.life.Unlock()
	ps := w.origin.presence
	if ps != nil {
		ps.unsubscribeState()
	}
	w.Runtime.Stop()
	if ps != nil {
		ps.stop()
	}
}

// Run calls Initialize and Start, waits until ctx is done, then calls Stop.
// It returns Initialize's or Start's error, or nil.
func (w *Watcher) Run(ctx context.Context) error {
	if _, err := w.Initialize(ctx); err != nil {
		return err
	}
	if err := w.Start(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	w.Stop()
	return nil
}

// newPresenceState prepares the presence record of w, which follows the
// flags of fs.
func newPresenceState[F flagz.FlagSet](fs F, w *Watcher, o *etcdOrigin) *presenceState {
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
		engine:     engine,
		source:     o.opts.source.Name,
		status:     w.Status,
		lastReport: w.LastReport,
		// Constraints are outside the fingerprint: compared once per TTL.
		infoRecheck: po.ttl,
	}
	ps.writer = &presenceWriter{
		client:  client,
		key:     presence.Key(o.prefix, id),
		infoKey: presence.InfoKey(o.prefix, id),
		ttl:     po.ttlSeconds(),
		timeout: o.opts.requestTimeout,
		min:     o.opts.source.MinBackoff,
		// Retry at least once per TTL: the record is back within about
		// one TTL of etcd answering again.
		max:         max(o.opts.source.MinBackoff, min(o.opts.source.MaxBackoff, po.ttl)),
		spread:      po.spread,
		log:         o.log,
		build:       ps.encode,
		infoVersion: ps.infoVersion,
		info:        ps.buildInfo,
		poke:        make(chan struct{}, 1),
	}
	return ps
}

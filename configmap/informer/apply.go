package informer

import (
	"fmt"
	"time"

	"github.com/flagz-go/flagz"
)

// heartbeat is how often a quiet but healthy informer records that it is
// current, so that the source's last sync time (shown on the debug page and
// exported as a metric) does not age while the watch is open.
const heartbeat = 30 * time.Second

// applyLoop hands each new state of the ConfigMap to the engine until the
// run ends.
func (i *Informer) applyLoop(r *run) {
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.ctx.Done():
			return
		case <-tick.C:
			if !r.degraded.Load() {
				i.src.Synced(0) // 0 leaves the last revision as it is
			}
			continue
		case <-r.box.ready:
		}
		if s, ok := r.box.take(); ok {
			i.apply(r, s)
		}
	}
}

// apply reconciles the flags with s: keys gone from the ConfigMap, or all
// of them when it was deleted, return to their defaults. A state that
// changes nothing (a relist, a label edit) is only recorded as a sync.
func (i *Informer) apply(r *run, s snapshot) {
	defer func() {
		if p := recover(); p != nil {
			i.logger.Error("flagz: panic while applying the ConfigMap; last good values kept",
				"panic", fmt.Sprint(p), "resourceVersion", s.resourceVersion)
		}
	}()
	if s.sameAs(r.last) {
		i.ignored.Add(1)
		i.src.Synced(s.revision())
		r.last = s
		return
	}
	if !s.exists {
		i.logger.Info("flagz: ConfigMap deleted; its flags return to their defaults",
			"namespace", i.namespace, "name", i.name)
	}
	i.record(i.src.Reconcile(s.revision(), s.values))
	r.last = s
}

// record keeps the report of a batch handed to the engine.
func (i *Informer) record(report flagz.Report) {
	i.batches.Add(1)
	i.lastReport.Store(&report)
}

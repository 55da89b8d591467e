package informer

import (
	"fmt"

	"github.com/flagz-go/flagz"
)

// applyLoop hands each new state of the ConfigMap to the engine until the
// run ends.
func (i *Informer) applyLoop(r *run) {
	for {
		select {
		case <-r.ctx.Done():
			return
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

package informer

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/flagz-go/flagz/source"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/client-go/tools/cache"
)

// ErrNotSynced is wrapped by the error of Initialize when the ConfigMap
// could not be read: RBAC refused the request (the error says which verb
// and resource are forbidden), the API server could not be reached, or the
// sync timeout or the context ended first.
var ErrNotSynced = errors.New("ConfigMap informer did not sync")

// heartbeat is how often a quiet but healthy informer records that it is
// current, so that the source's last sync time (shown on the debug page and
// exported as a metric) does not age while the watch is open.
const heartbeat = 30 * time.Second

// apiOrigin is the source.Origin of one ConfigMap read through the API
// server.
type apiOrigin struct {
	client    CoreV1Getter
	namespace string
	name      string
	timeout   time.Duration
	counters
	// listed is the snapshot List returned last, which the runtime applied
	// before it follows from it: the first state Follow sees is compared
	// with it, so an event that changes nothing is counted as ignored even
	// when it arrives before the informer's own first one is handled.
	listed atomic.Pointer[snapshot]
}

// List reads the ConfigMap once, with the field selector the informer uses
// (so a Role narrowed by resourceNames allows it). A missing ConfigMap is an
// empty snapshot: the flags keep their defaults until it is created.
func (o *apiOrigin) List(ctx context.Context) (source.Snapshot, error) {
	if o.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.timeout)
		defer cancel()
	}
	list, err := o.client.CoreV1().ConfigMaps(o.namespace).List(ctx, metav1.ListOptions{
		FieldSelector: fields.OneTermEqualSelector("metadata.name", o.name).String(),
	})
	if err != nil {
		return source.Snapshot{}, fmt.Errorf("informer: %w: ConfigMap %s/%s: %w", ErrNotSynced, o.namespace, o.name, err)
	}
	s := snapshot{resourceVersion: list.ResourceVersion}
	for i := range list.Items {
		if cm := &list.Items[i]; cm.Name == o.name {
			s = snapshotOf(cm)
		}
	}
	o.listed.Store(&s)
	return s.flagz(), nil
}

// Follow runs a client-go informer on the ConfigMap until ctx ends, and
// hands each new state of it to sink: the reflector lists and watches, and
// retries by itself after a failure, which the source shows as DEGRADED
// until a request succeeds again.
func (o *apiOrigin) Follow(ctx context.Context, _ int64, sink source.Sink) error {
	f, err := o.newFollow(ctx, sink)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	wg.Go(func() { f.informer.RunWithContext(ctx) })
	wg.Go(func() {
		if cache.WaitForCacheSync(ctx.Done(), f.informer.HasSynced) {
			f.synced()
		}
	})
	wg.Go(func() { f.applyLoop(ctx) })
	wg.Wait()
	return ctx.Err()
}

// synced runs once the informer has listed: a ConfigMap it did not find was
// deleted since the runtime's listing (or never existed), which no event
// will tell.
func (f *follow) synced() {
	// The informer has listed: following works. A Start after Stop with no
	// new listing (the flags already match the runtime's last one) is
	// SERVING from here, whether or not the first state changes anything.
	f.degraded.Store(false)
	f.sink.Serving()
	gen := f.box.generation()
	key := f.origin.namespace + "/" + f.origin.name
	if _, exists, err := f.informer.GetStore().GetByKey(key); err == nil && !exists {
		f.box.putUnlessNewer(gen, snapshot{resourceVersion: f.informer.LastSyncResourceVersion()})
	}
}

// applyLoop hands each new state of the ConfigMap to sink until ctx ends.
// A state that changes nothing (a relist, a label edit) is only recorded as
// a sync.
func (f *follow) applyLoop(ctx context.Context) {
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if !f.degraded.Load() {
				f.sink.Current(0) // 0 leaves the last revision as it is
			}
			continue
		case <-f.box.ready:
		}
		s, ok := f.box.take()
		if !ok {
			continue
		}
		if f.last != nil && s.sameAs(*f.last) {
			f.origin.ignored.Add(1)
			f.sink.Current(s.revision())
		} else {
			if f.last != nil {
				f.origin.batches.Add(1)
			}
			f.sink.Replace(s.flagz())
		}
		f.last = &s
	}
}

// flagz is the snapshot as the runtime takes it.
func (s snapshot) flagz() source.Snapshot {
	return source.Snapshot{Revision: s.revision(), Values: s.values}
}

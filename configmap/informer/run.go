package informer

import (
	"context"
	"sync/atomic"

	"github.com/flagz-go/flagz/source"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
)

// follow is one Follow of the origin: an informer on the one ConfigMap and
// the state it last handed on.
type follow struct {
	origin   *apiOrigin
	sink     source.Sink
	informer cache.SharedIndexInformer
	box      *mailbox
	degraded atomic.Bool // the last list or watch failed
	last     *snapshot   // the last state handed on (owned by applyLoop)
}

// newFollow builds, but does not start, an informer on the one ConfigMap.
func (o *apiOrigin) newFollow(ctx context.Context, sink source.Sink) (*follow, error) {
	f := &follow{origin: o, sink: sink, box: newMailbox(), last: o.listed.Load()}
	f.informer = cache.NewSharedIndexInformerWithOptions(f.listWatch(), &corev1.ConfigMap{}, cache.SharedIndexInformerOptions{})
	if err := f.informer.SetWatchErrorHandlerWithContext(func(_ context.Context, _ *cache.Reflector, err error) {
		f.watchFailed(ctx, err)
	}); err != nil {
		return nil, err
	}
	if _, err := f.informer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { f.observed(obj, false) },
		UpdateFunc: func(_, obj any) { f.observed(obj, false) },
		DeleteFunc: func(obj any) { f.observed(obj, true) },
	}); err != nil {
		return nil, err
	}
	return f, nil
}

// listWatch lists and watches the namespace's ConfigMaps with the field
// selector metadata.name=<name>, so only the one ConfigMap travels (and a
// Role restricted by resourceNames authorises the requests). Each successful
// request marks the informer healthy again after a failure.
func (f *follow) listWatch() cache.ListerWatcher {
	o := f.origin
	selector := fields.OneTermEqualSelector("metadata.name", o.name).String()
	configMaps := o.client.CoreV1().ConfigMaps(o.namespace)
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
			opts.FieldSelector = selector
			list, err := configMaps.List(ctx, opts)
			if err == nil {
				f.reachable()
			}
			return list, err
		},
		WatchFuncWithContext: func(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
			opts.FieldSelector = selector
			w, err := configMaps.Watch(ctx, opts)
			if err != nil {
				return nil, surfaced(err)
			}
			f.reachable()
			return w, nil
		},
	}
	// A fake clientset announces that it cannot serve watch-list requests;
	// without this the reflector would wait for them forever.
	return cache.ToListWatcherWithWatchListSemantics(lw, o.client)
}

// surfaced hides "connection refused" from the reflector, which would
// otherwise retry the watch by itself: without telling the watch error
// handler (so the source would never turn DEGRADED), and in watch-list mode
// in a backoff sleep that ignores cancellation (so Stop would wait up to
// 30 s). Surfaced, the error goes to the handler and the reflector retries
// with its cancellable backoff.
func surfaced(err error) error {
	if utilnet.IsConnectionRefused(err) {
		return &unreachableError{msg: err.Error()}
	}
	return err
}

// unreachableError carries the text of a refused connection without its
// syscall error.
type unreachableError struct{ msg string }

func (e *unreachableError) Error() string { return e.msg }

// observed is the informer's event handler: it never blocks, it only
// leaves the newest state for the apply loop.
func (f *follow) observed(obj any, deleted bool) {
	if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = tomb.Obj
	}
	cm, ok := obj.(*corev1.ConfigMap)
	if !ok || cm.Name != f.origin.name || cm.Namespace != f.origin.namespace {
		return
	}
	f.origin.events.Add(1)
	if deleted {
		f.box.put(snapshot{resourceVersion: cm.ResourceVersion})
		return
	}
	f.box.put(snapshotOf(cm))
}

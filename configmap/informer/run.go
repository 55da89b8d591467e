package informer

import (
	"context"
	"sync"
	"sync/atomic"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"

	"github.com/flagz-go/flagz"
)

// run is one life of the informer, from Initialize to Stop.
type run struct {
	ctx      context.Context // cancelled by Stop or by the context given to Start
	cancel   context.CancelFunc
	wg       sync.WaitGroup // every goroutine of the run
	informer cache.SharedIndexInformer
	synced   cache.DoneChecker // the handler has seen the initial list
	box      *mailbox
	fatal    chan error // first error the first sync cannot get past (RBAC)

	loaded   atomic.Bool  // the first snapshot was handed to the engine
	degraded atomic.Bool  // the last list or watch failed
	started  bool         // Start ran (guarded by Informer.mu)
	initial  flagz.Report // the report of the run's first load (guarded by Informer.mu)
	last     snapshot     // the last snapshot applied (owned by the apply loop)
	done     chan struct{}
}

// newRun builds, but does not start, an informer on the one ConfigMap.
func (i *Informer) newRun(parent context.Context) (*run, error) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(parent))
	r := &run{ctx: ctx, cancel: cancel, box: newMailbox(), fatal: make(chan error, 1), done: make(chan struct{})}
	lw := i.listWatch(r)
	r.informer = cache.NewSharedIndexInformerWithOptions(lw, &corev1.ConfigMap{}, cache.SharedIndexInformerOptions{})
	if err := r.informer.SetWatchErrorHandlerWithContext(func(_ context.Context, _ *cache.Reflector, err error) {
		i.watchFailed(r, err)
	}); err != nil {
		cancel()
		return nil, err
	}
	reg, err := r.informer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { i.observed(r, obj, false) },
		UpdateFunc: func(_, obj any) { i.observed(r, obj, false) },
		DeleteFunc: func(obj any) { i.observed(r, obj, true) },
	})
	if err != nil {
		cancel()
		return nil, err
	}
	r.synced = reg.HasSyncedChecker()
	return r, nil
}

// listWatch lists and watches the namespace's ConfigMaps with the field
// selector metadata.name=<name>, so only the one ConfigMap travels (and a
// Role restricted by resourceNames authorises the requests). Each successful
// request marks the informer healthy again after a failure.
func (i *Informer) listWatch(r *run) cache.ListerWatcher {
	selector := fields.OneTermEqualSelector("metadata.name", i.name).String()
	configMaps := i.client.CoreV1().ConfigMaps(i.namespace)
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
			opts.FieldSelector = selector
			list, err := configMaps.List(ctx, opts)
			if err == nil {
				i.reachable(r)
			}
			return list, err
		},
		WatchFuncWithContext: func(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
			opts.FieldSelector = selector
			w, err := configMaps.Watch(ctx, opts)
			if err != nil {
				return nil, surfaced(err)
			}
			i.reachable(r)
			return w, nil
		},
	}
	// A fake clientset announces that it cannot serve watch-list requests;
	// without this the reflector would wait for them forever.
	return cache.ToListWatcherWithWatchListSemantics(lw, i.client)
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
// leaves the newest state for the apply loop (or for Initialize).
func (i *Informer) observed(r *run, obj any, deleted bool) {
	if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = tomb.Obj
	}
	cm, ok := obj.(*corev1.ConfigMap)
	if !ok || cm.Name != i.name || cm.Namespace != i.namespace {
		return
	}
	i.events.Add(1)
	if deleted {
		r.box.put(snapshot{resourceVersion: cm.ResourceVersion})
		return
	}
	r.box.put(snapshotOf(cm))
}

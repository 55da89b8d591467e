package informer

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// watchFailed is the informer's watch error handler. The reflector retries
// by itself with backoff; the last good values stay, and the source is
// DEGRADED until a request succeeds again.
func (f *follow) watchFailed(ctx context.Context, err error) {
	if ctx.Err() != nil {
		return // stopping: the error is ours
	}
	if apierrors.IsResourceExpired(err) || apierrors.IsGone(err) {
		// The watch fell too far behind: the reflector relists at once and the
		// snapshot is reconciled. Routine, not a failure.
		return
	}
	f.degraded.Store(true)
	f.sink.Degraded(fmt.Errorf("informer: list/watch ConfigMap %s/%s: %w", f.origin.namespace, f.origin.name, err))
}

// reachable runs after every successful list or watch request: the API server
// answers again.
func (f *follow) reachable() {
	if f.degraded.Swap(false) {
		f.sink.Serving()
	}
}

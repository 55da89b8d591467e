package informer

import (
	"fmt"

	"github.com/flagz-go/flagz"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// watchFailed is the informer's watch error handler. The reflector retries
// by itself with backoff; the last good values stay. Before the first sync
// the source stays CONNECTING with the reason; after it, it is DEGRADED until
// a request succeeds again.
func (i *Informer) watchFailed(r *run, err error) {
	if r.ctx.Err() != nil {
		return // stopping: the error is ours
	}
	if apierrors.IsResourceExpired(err) || apierrors.IsGone(err) {
		// The watch fell too far behind: the reflector relists at once and the
		// snapshot is reconciled. Routine, not a failure.
		i.logger.Debug("flagz: ConfigMap watch expired, relisting", "error", err)
		return
	}
	err = fmt.Errorf("informer: list/watch ConfigMap %s/%s: %w", i.namespace, i.name, err)
	if !r.loaded.Load() {
		i.src.SetState(flagz.StateConnecting, err)
		if apierrors.IsForbidden(err) || apierrors.IsUnauthorized(err) {
			select {
			case r.fatal <- err:
			default:
			}
		}
		return
	}
	if !r.degraded.Swap(true) {
		i.logger.Warn("flagz: ConfigMap watch failed, keeping the last good values", "error", err)
	}
	i.src.SetState(flagz.StateDegraded, err)
}

// reachable runs after every successful list or watch request: the API server
// answers again.
func (i *Informer) reachable(r *run) {
	if !r.loaded.Load() || r.ctx.Err() != nil {
		return
	}
	if r.degraded.Swap(false) {
		i.logger.Info("flagz: ConfigMap watch restored")
		i.src.SetState(flagz.StateServing, nil)
	}
}

package informer

import (
	"context"
	"errors"
	"fmt"

	"github.com/flagz-go/flagz"
)

// ErrNotSynced is wrapped by the error of Initialize when the first sync
// did not complete.
var ErrNotSynced = errors.New("ConfigMap informer did not sync")

// Initialize starts the informer, waits until it has listed the ConfigMap,
// then loads its keys, static flags included (static flags may be set only
// here). A missing ConfigMap loads nothing: the flags keep their defaults
// until it is created. The report names every flag that refused its value
// and every key no flag is declared for; those do not make Initialize fail:
// report.Err() joins the refusals, each naming its flag. LastReport returns
// the same report until the first change is applied.
//
// It returns an error, and a nil report, when the ConfigMap could not be
// loaded: wrapping ErrNotSynced when the API server refuses the requests
// (RBAC: the error says which verb and resource are forbidden), or when ctx
// ends or the sync timeout passes first (the error then carries the last
// list/watch failure, if any). Calling it again while running does nothing
// and returns the report of the running informer's initial load.
func (i *Informer) Initialize(ctx context.Context) (flagz.Report, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.initializeLocked(ctx)
}

func (i *Informer) initializeLocked(ctx context.Context) (flagz.Report, error) {
	if i.run != nil {
		return i.run.initial, nil
	}
	if i.client == nil || i.namespace == "" || i.name == "" {
		return nil, fmt.Errorf("informer: New needs a client, a namespace and a ConfigMap name (got namespace %q, name %q)", i.namespace, i.name)
	}
	r, err := i.newRun(ctx)
	if err != nil {
		return nil, fmt.Errorf("informer: ConfigMap %s/%s: %w", i.namespace, i.name, err)
	}
	i.src.SetState(flagz.StateConnecting, nil)
	r.wg.Go(func() { r.informer.RunWithContext(r.ctx) })

	if err := i.waitSynced(ctx, r); err != nil {
		r.cancel()
		r.wg.Wait()
		return nil, err
	}
	s, ok := r.box.take()
	if !ok {
		i.logger.Info("flagz: ConfigMap not found; flags keep their defaults until it is created",
			"namespace", i.namespace, "name", i.name)
		s = snapshot{resourceVersion: r.informer.LastSyncResourceVersion()}
	}
	if i.everLoaded {
		// Restarted after Stop: static flags were fixed by the first load.
		r.initial = i.src.Reconcile(s.revision(), s.values)
	} else {
		r.initial = i.src.Load(s.revision(), s.values)
	}
	i.record(r.initial)
	r.last = s
	i.everLoaded = true
	r.loaded.Store(true)
	i.src.SetState(flagz.StateServing, nil)
	i.run = r
	go i.supervise(r)
	return r.initial, nil
}

// supervise waits for the run to be cancelled, then for its goroutines, and
// marks the source STOPPED.
func (i *Informer) supervise(r *run) {
	<-r.ctx.Done()
	r.wg.Wait()
	i.mu.Lock()
	if i.run == r {
		i.run = nil
		i.src.SetState(flagz.StateStopped, nil)
	}
	i.mu.Unlock()
	close(r.done)
}

// waitSynced waits until the event handler has seen the initial list.
func (i *Informer) waitSynced(ctx context.Context, r *run) error {
	if i.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, i.timeout)
		defer cancel()
	}
	select {
	case <-r.synced.Done():
		return nil
	case err := <-r.fatal:
		return fmt.Errorf("%w: %w", ErrNotSynced, err)
	case <-ctx.Done():
		last := i.src.Status().Err
		if last == "" {
			last = "no error from the API server"
		}
		return fmt.Errorf("%w: ConfigMap %s/%s: %w (last error: %s)", ErrNotSynced, i.namespace, i.name, context.Cause(ctx), last)
	}
}

// Start follows the ConfigMap's changes until Stop is called or ctx ends.
// It calls Initialize first if that has not been done. Starting a running
// informer does nothing.
func (i *Informer) Start(ctx context.Context) error {
	i.mu.Lock()
	defer i.mu.Unlock()
	if _, err := i.initializeLocked(ctx); err != nil {
		return err
	}
	r := i.run
	if r.started {
		return nil
	}
	r.started = true
	r.wg.Go(func() { i.applyLoop(r) })
	r.wg.Go(func() {
		select {
		case <-ctx.Done():
			r.cancel()
		case <-r.ctx.Done():
		}
	})
	return nil
}

// Run is Start, then waits for ctx to end and stops. It returns nil when ctx
// ends, or the error of Initialize; the entries refused by the initial load
// are logged by name (LastReport lists them).
func (i *Informer) Run(ctx context.Context) error {
	if err := i.Start(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	i.Stop()
	return nil
}

// Stop ends the informer and its watch and waits for every goroutine it
// started. The last applied values stay. It is safe to call more than once
// and concurrently; Initialize or Start afterwards begins a new run. A Stop
// concurrent with Initialize waits for Initialize to return.
func (i *Informer) Stop() {
	i.mu.Lock()
	r := i.run
	i.mu.Unlock()
	if r == nil {
		return
	}
	r.cancel()
	<-r.done
}

package informer

import (
	"context"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/record"
)

// The lifecycle of an Informer is its source.Runtime's, called as it is.

// Initialize lists the ConfigMap once and applies it: the initial load,
// static flags included, or a reconcile after an earlier one. It waits at
// most the sync timeout (WithSyncTimeout), less if ctx ends first or Stop
// is called (source.ErrStopped). See source.Runtime.Initialize for the
// report, the snapshot file and the other errors (ErrNotSynced,
// source.ErrRunning, source.ErrNameInUse).
func (i *Informer) Initialize(ctx context.Context) (flagz.Report, error) {
	return i.rt.Initialize(ctx)
}

// Start runs a client-go informer on the ConfigMap in a goroutine until ctx
// ends or Stop is called (listing it first if Initialize did not). See
// source.Runtime.Start.
func (i *Informer) Start(ctx context.Context) error { return i.rt.Start(ctx) }

// Stop ends what Start began and an Initialize in flight, and returns once
// every goroutine of the informer has exited (or, while a validator of the
// program holds a batch, after WithStopTimeout); the informer is then
// STOPPED. Calling it again does nothing. See source.Runtime.Stop.
func (i *Informer) Stop() { i.rt.Stop() }

// Run calls Initialize and Start, waits until ctx is done or Stop is
// called, then calls Stop. It returns Initialize's or Start's error, or
// nil. See source.Runtime.Run.
func (i *Informer) Run(ctx context.Context) error { return i.rt.Run(ctx) }

// Status returns the informer's health (CONNECTING, SERVING, DEGRADED,
// STOPPED), its last sync time and revision (the ConfigMap's
// resourceVersion), and its counts of applied, rejected, restart-required,
// command-line and ignored names.
func (i *Informer) Status() record.SourceStatus { return i.rt.Status() }

// Name returns the informer's source name (WithSourceName).
func (i *Informer) Name() string { return i.rt.Name() }

// LastReport returns what became of each name in the last batch the
// informer applied (the initial load, a reconcile or the last change), or nil
// before the first.
func (i *Informer) LastReport() flagz.Report { return i.rt.LastReport() }

package watcher

import (
	"context"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/record"
)

// The lifecycle of a Watcher is its source.Runtime's, called as it is:
// what the watcher adds (the presence record) runs on the runtime's hooks
// (etcdOrigin.Applied and RunBackground), never beside these methods.

// Initialize reads every key under the prefix once, at one revision, and
// applies the values: the initial load, static flags included, or a
// reconcile after an earlier one. See source.Runtime.Initialize for the
// report, the snapshot file and the errors (source.ErrRunning,
// source.ErrNameInUse, source.ErrStopped).
func (w *Watcher) Initialize(ctx context.Context) (flagz.Report, error) {
	return w.rt.Initialize(ctx)
}

// Start follows the prefix in a goroutine until ctx ends or Stop is called
// (listing it first if Initialize did not), and with WithPresence keeps the
// process's presence record for as long. See source.Runtime.Start.
func (w *Watcher) Start(ctx context.Context) error { return w.rt.Start(ctx) }

// Stop ends what Start began and an Initialize in flight, revokes the
// presence record's lease (which deletes the record), and returns once
// every goroutine of the watcher has exited (or, while a validator of the
// program holds a batch, after WithStopTimeout); the watcher is then
// STOPPED. Calling it again does nothing. See source.Runtime.Stop.
func (w *Watcher) Stop() { w.rt.Stop() }

// Run calls Initialize and Start, waits until ctx is done or Stop is
// called, then calls Stop. It returns Initialize's or Start's error, or
// nil. See source.Runtime.Run.
func (w *Watcher) Run(ctx context.Context) error { return w.rt.Run(ctx) }

// Status returns the watcher's health (CONNECTING, SERVING, DEGRADED,
// STOPPED), its last sync time and revision, and its counts of applied,
// rejected, restart-required, command-line and ignored names.
func (w *Watcher) Status() record.SourceStatus { return w.rt.Status() }

// Name returns the watcher's source name (WithSourceName, by default
// "etcd:<prefix>").
func (w *Watcher) Name() string { return w.rt.Name() }

// LastReport returns what became of each name in the last batch the
// watcher applied (the initial load, a reconcile or the last change), or nil
// before the first.
func (w *Watcher) LastReport() flagz.Report { return w.rt.LastReport() }

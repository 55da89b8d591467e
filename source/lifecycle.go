package source

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/internal/link"
	"github.com/flagz-go/flagz/record"
)

// The errors every source's lifecycle methods return (Initialize, Start,
// Run), whatever its origin; test them with errors.Is.
var (
	// ErrRunning: Initialize or Start was called while the source runs.
	ErrRunning = errors.New("flagz: source already running")
	// ErrNameInUse: another source running on the same flag set has the
	// same name (each source needs its own, see the sources'
	// WithSourceName).
	ErrNameInUse = errors.New("flagz: source name in use")
	// ErrStopped: Stop was called while Initialize was listing the origin
	// (or waiting to), which it then gave up; nothing was applied.
	ErrStopped = errors.New("flagz: source stopped")
)

// Initialize lists the origin once and applies what it holds; see Runtime.
// The report names every flag that refused its value and every name no flag
// is declared with; those do not make Initialize fail: report.Err() joins
// the refusals, each naming its flag. The error says that the origin could
// not be loaded at all (or that Stop ended the listing: ErrStopped); the
// report is then nil.
func (r *Runtime) Initialize(ctx context.Context) (flagz.Report, error) {
	return r.initialize(ctx, r.haltContext())
}

// initialize is Initialize, ended early by the end of halt (a Stop).
func (r *Runtime) initialize(ctx, halt context.Context) (flagz.Report, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	defer context.AfterFunc(halt, func() { cancel(ErrStopped) })()
	r.lock()
	defer r.unlock()
	if halt.Err() != nil {
		return nil, r.stoppedErr()
	}
	if r.runningLocked() {
		return nil, r.runningErr("Initialize")
	}
	src, err := r.claimLocked()
	if err != nil {
		return nil, err
	}
	snap, err := r.list(ctx)
	if err == nil {
		report := r.load(ctx, halt, snap, true)
		r.writeSnapshot(src)
		if halt.Err() != nil {
			// A Stop came while the load ran, and may have returned
			// without waiting for it (a validator held it): the source
			// stops now, as that Stop would have left it.
			r.stoppedLocked(src)
		}
		return report, nil
	}
	if halt.Err() != nil {
		return nil, r.stoppedErr()
	}
	err = fmt.Errorf("source %q: %w", r.cfg.Name, err)
	if r.cfg.SnapshotFile != "" {
		saved, serr := readSnapshotFile(r.cfg.SnapshotFile, r.cfg.Name)
		if serr == nil {
			report := r.applied(saved.Revision, src.Load(saved.Revision, saved.Values))
			r.fromSnapshot(src, saved.Revision)
			r.mu.Lock()
			r.rev, r.current = saved.Revision, false
			r.mu.Unlock()
			r.log.Warn("flagz: origin unreachable; serving the last known good values from the snapshot file",
				"path", r.cfg.SnapshotFile, "revision", saved.Revision, "error", err)
			r.trouble(src, err, false)
			return report, nil
		}
		err = errors.Join(err, serr)
	}
	r.trouble(src, err, true)
	return nil, err
}

func (r *Runtime) stoppedErr() error {
	return fmt.Errorf("%w: Initialize of source %q", ErrStopped, r.cfg.Name)
}

// Start follows the origin in a goroutine until ctx ends or Stop is called;
// see Runtime. If the flags may be stale (no Initialize, or it loaded the
// snapshot file), it lists the origin first. An origin that is a
// BackgroundRunner runs beside it for as long.
func (r *Runtime) Start(ctx context.Context) error {
	r.lock()
	defer r.unlock()
	if r.runningLocked() {
		return r.runningErr("Start")
	}
	src, err := r.claimLocked()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	r.cancel, r.done = cancel, done
	go func() {
		defer close(done)
		var beside sync.WaitGroup
		defer func() {
			beside.Wait()
			r.clearProblems(src) // what failed is no longer tried
		}()
		if r.cfg.SnapshotFile != "" {
			beside.Go(func() { r.persistLoop(ctx, src) })
		}
		if b, ok := r.origin.(BackgroundRunner); ok {
			beside.Go(func() {
				_ = r.safely("run beside following", func() error {
					b.RunBackground(ctx)
					return nil
				})
			})
		}
		r.run(ctx, src)
	}()
	return nil
}

// Stop ends an Initialize in flight and what Start began, and waits until
// every goroutine of the source has exited; the flags keep their values and
// the source is STOPPED. It returns promptly even while the origin is
// unreachable, and within Config.StopTimeout while code of the program
// holds the source (a validator that blocks; see Config.StopTimeout).
// Calling it again does nothing.
func (r *Runtime) Stop() {
	deadline := time.NewTimer(r.cfg.StopTimeout)
	defer deadline.Stop()
	r.haltMu.Lock()
	r.stop(ErrStopped)
	r.halt, r.stop = context.WithCancelCause(context.Background())
	r.haltMu.Unlock()

	if !r.lockBefore(deadline.C) {
		r.gaveUp("the call that holds the source (an Initialize applying what it listed, or an earlier Stop)")
		return
	}
	defer r.unlock()
	if r.cancel != nil {
		r.cancel()
		r.cancel = nil
	}
	if r.done != nil && !r.ended(deadline.C) {
		return
	}
	src := r.src.Load()
	if src == nil {
		r.stopped.Store(true)
		return
	}
	r.stoppedLocked(src)
}

// stoppedLocked leaves src STOPPED and lets another runtime claim its
// name. The caller holds op.
func (r *Runtime) stoppedLocked(src *flagz.Source) {
	src.SetState(record.StateStopped, nil)
	r.clearProblems(src)
	link.Release(src, r)
}

// Run calls Initialize and Start, waits until ctx is done or Stop is
// called, then calls Stop. It returns Initialize's or Start's error, or nil
// (Stop during Initialize included).
func (r *Runtime) Run(ctx context.Context) error {
	halt := r.haltContext()
	if _, err := r.initialize(ctx, halt); err != nil {
		if errors.Is(err, ErrStopped) {
			return nil
		}
		return err
	}
	if err := r.Start(ctx); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
	case <-halt.Done():
	}
	r.Stop()
	return nil
}

// haltContext returns the context the next Stop ends.
func (r *Runtime) haltContext() context.Context {
	r.haltMu.Lock()
	defer r.haltMu.Unlock()
	return r.halt
}

func (r *Runtime) runningLocked() bool {
	if r.done == nil {
		return false
	}
	select {
	case <-r.done:
		return false
	default:
		return true
	}
}

// claimLocked makes the runtime the owner of its source's name.
func (r *Runtime) claimLocked() (*flagz.Source, error) {
	claimed, err := link.Claim(r.engine, r.cfg.Name, r, r.cfg.Logger, ErrNameInUse)
	if err != nil {
		return nil, err
	}
	src := claimed.(*flagz.Source)
	r.src.Store(src)
	return src, nil
}

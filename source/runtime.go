package source

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/internal/link"
)

// Config is what every source is configured with, whatever its
// origin. Each source package's options set it.
type Config struct {
	// Name names the source in the audit log, on the debug page and in
	// metrics. Two sources running on one flag set need different names.
	Name string
	// Logger receives the source's logs and the audit log of its changes;
	// nil means slog.Default().
	Logger *slog.Logger
	// MinBackoff and MaxBackoff bound the wait between attempts to reach
	// the origin again after a failure: it starts at MinBackoff, doubles
	// after each failure up to MaxBackoff, and is jittered. Zero means
	// 100ms and 30s.
	MinBackoff, MaxBackoff time.Duration
	// ResyncPeriod, if positive, makes the runtime list the origin again
	// that often while following it, the safety net of origins whose
	// change events can be lost (file-system notifications).
	ResyncPeriod time.Duration
	// SnapshotFile, if set, keeps the last known good values in that file:
	// each applied state is saved atomically, byte for byte, and when
	// Initialize cannot list the origin it loads the file instead (the
	// source is then DEGRADED until the origin answers). It holds values in
	// clear text, with permissions 0600.
	SnapshotFile string
	// Rollback makes the runtime write the last good value back over a
	// value a flag refused, when the origin can (a WriteBacker).
	Rollback bool
}

// Defaults of Config.
const (
	DefaultMinBackoff = 100 * time.Millisecond
	DefaultMaxBackoff = 30 * time.Second
)

func (c *Config) validate() error {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.MinBackoff == 0 {
		c.MinBackoff = DefaultMinBackoff
	}
	if c.MaxBackoff == 0 {
		c.MaxBackoff = max(DefaultMaxBackoff, c.MinBackoff)
	}
	switch {
	case c.Name == "":
		return errors.New("flagz: a source needs a name")
	case c.MinBackoff < 0 || c.MaxBackoff < c.MinBackoff:
		return fmt.Errorf("flagz: source %q: backoff bounds must satisfy 0 < min <= max, got min %v, max %v", c.Name, c.MinBackoff, c.MaxBackoff)
	}
	return nil
}

// Runtime runs one source over its Origin: Initialize lists the origin and
// loads it, Start follows it in a goroutine, Stop ends that and waits, Run
// does all three. Every source package embeds a Runtime, so every source has
// the same lifecycle, states, errors and options:
//
//   - Initialize lists the origin and applies the snapshot (the first one
//     is the initial load, when static flags may be set; any later one
//     reconciles, and so does every snapshot after start-up: a source whose
//     Initialize failed never sets static flags). If the origin cannot be listed it returns the error,
//     unless a snapshot file holds the last known good values: they are
//     applied, the source is DEGRADED and Start keeps trying.
//   - Start follows the origin until its context ends or Stop: after any
//     failure the flags keep their last good values, the source is
//     DEGRADED, and the runtime lists again with capped, jittered backoff
//     and reconciles what it finds, then follows from there.
//   - Stop is idempotent, safe to call concurrently, and returns once every
//     goroutine of the source has exited. Initialize or Start may follow it;
//     the source then reconciles.
//   - Initialize and Start return ErrRunning while the source runs, and
//     ErrNameInUse while another running source of the flag set has its
//     name.
//
// A panic in the origin (or in a validator the flag set runs) is recovered,
// logged with its stack and treated as a failure of the origin.
type Runtime struct {
	engine *flagz.Engine
	origin Origin
	cfg    Config
	cfgErr error
	log    *slog.Logger

	src  atomic.Pointer[flagz.Source] // the claimed source, nil before the first Initialize or Start
	last atomic.Pointer[flagz.Report] // of the last batch handed to the engine

	life   sync.Mutex // orders Initialize, Start and Stop
	cancel context.CancelFunc
	done   chan struct{} // closed when the goroutines Start launched have exited

	mu       sync.Mutex // guards the fields below
	rev      int64      // the revision the flags were last brought up to
	current  bool       // the flags match the origin at rev: Follow may start without a listing
	lastHash [32]byte   // of the content last applied by a Replace or a listing
	hashed   bool       // lastHash is set
	seq      int64      // numbers the distinct snapshots of an origin without revisions
	dirty    chan struct{}
}

// New returns a runtime of a source that applies what origin holds
// to the flags of fs. Nothing happens until Initialize, Start or Run; a bad
// configuration is reported by them.
func New[F flagz.FlagSet](fs F, origin Origin, cfg Config) *Runtime {
	err := cfg.validate()
	return &Runtime{
		engine: flagz.EngineFor(fs),
		origin: origin,
		cfg:    cfg,
		cfgErr: err,
		log:    cfg.Logger.With("source", cfg.Name),
		dirty:  make(chan struct{}, 1),
	}
}

// Name returns the source's name.
func (r *Runtime) Name() string { return r.cfg.Name }

// Status returns the source's health (CONNECTING, SERVING, DEGRADED,
// STOPPED), its last sync time and revision, and its counts of applied,
// rejected, restart-required, command-line and ignored names. The debug
// handler and the metrics read the same status through flagz.Engine.Sources.
func (r *Runtime) Status() flagz.SourceStatus {
	if s := r.src.Load(); s != nil {
		return s.Status()
	}
	return flagz.SourceStatus{Name: r.cfg.Name, State: flagz.StateConnecting}
}

// LastReport returns what became of each name in the last batch the source
// handed to the engine (the initial load, a reconcile or the last change),
// or nil before the first.
func (r *Runtime) LastReport() flagz.Report {
	if p := r.last.Load(); p != nil {
		return *p
	}
	return nil
}

// reported keeps the report of a batch for LastReport.
func (r *Runtime) reported(report flagz.Report) flagz.Report {
	r.last.Store(&report)
	return report
}

// Initialize lists the origin once and applies what it holds; see Runtime.
// The report names every flag that refused its value and every name no flag
// is declared with; those do not make Initialize fail: report.Err() joins
// the refusals, each naming its flag. The error says that the origin could
// not be loaded at all; the report is then nil.
func (r *Runtime) Initialize(ctx context.Context) (flagz.Report, error) {
	r.life.Lock()
	defer r.life.Unlock()
	if r.runningLocked() {
		return nil, fmt.Errorf("%w: Initialize of source %q", ErrRunning, r.cfg.Name)
	}
	src, err := r.claimLocked()
	if err != nil {
		return nil, err
	}
	snap, err := r.list(ctx)
	if err == nil {
		report := r.load(ctx, snap, true)
		r.writeSnapshot(src)
		return report, nil
	}
	err = fmt.Errorf("source %q: %w", r.cfg.Name, err)
	if r.cfg.SnapshotFile != "" {
		saved, serr := readSnapshotFile(r.cfg.SnapshotFile, r.cfg.Name)
		if serr == nil {
			report := r.reported(src.Load(saved.Revision, saved.Values))
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

// Start follows the origin in a goroutine until ctx ends or Stop is called;
// see Runtime. If the flags may be stale (no Initialize, or it loaded the
// snapshot file), it lists the origin first.
func (r *Runtime) Start(ctx context.Context) error {
	r.life.Lock()
	defer r.life.Unlock()
	if r.runningLocked() {
		return fmt.Errorf("%w: Start of source %q", ErrRunning, r.cfg.Name)
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
		if r.cfg.SnapshotFile != "" {
			var persist sync.WaitGroup
			persist.Go(func() { r.persistLoop(ctx, src) })
			defer persist.Wait()
		}
		r.run(ctx, src)
	}()
	return nil
}

// Stop ends what Start began and waits until every goroutine of the source
// has exited; the flags keep their values and the source is STOPPED. It
// returns promptly even while the origin is unreachable. Calling it again
// does nothing.
func (r *Runtime) Stop() {
	r.life.Lock()
	defer r.life.Unlock()
	if r.cancel != nil {
		r.cancel()
		r.cancel = nil
	}
	if r.done != nil {
		<-r.done
		r.done = nil
	}
	if src := r.src.Load(); src != nil {
		src.SetState(flagz.StateStopped, nil)
		link.Release(src, r)
	}
}

// Run calls Initialize and Start, waits until ctx is done, then calls Stop.
// It returns Initialize's or Start's error, or nil.
func (r *Runtime) Run(ctx context.Context) error {
	if _, err := r.Initialize(ctx); err != nil {
		return err
	}
	if err := r.Start(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	r.Stop()
	return nil
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
	if r.cfgErr != nil {
		return nil, r.cfgErr
	}
	claimed, err := link.Claim(r.engine, r.cfg.Name, r, r.cfg.Logger, ErrNameInUse)
	if err != nil {
		return nil, err
	}
	src := claimed.(*flagz.Source)
	r.src.Store(src)
	return src, nil
}

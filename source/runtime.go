package source

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/record"
)

// Runtime runs one source over its Origin: Initialize lists the origin and
// loads it, Start follows it in a goroutine, Stop ends that and waits, Run
// does all three. Every source runs on a Runtime and offers its methods as
// they are, so every source has the same lifecycle, states, errors and
// options:
//
//   - Initialize lists the origin and applies the snapshot (the first one
//     is the initial load, when static flags may be set; any later one
//     reconciles, and so does every snapshot after start-up: a source whose
//     Initialize failed never sets static flags). If the origin cannot be
//     listed it returns the error, unless a snapshot file holds the last
//     known good values: they are applied, the source is DEGRADED and Start
//     keeps trying.
//   - Start follows the origin until its context ends or Stop: after any
//     failure the flags keep their last good values, the source is
//     DEGRADED, and the runtime lists again with capped, jittered backoff
//     and reconciles what it finds, then follows from there. What an origin
//     runs beside following (a BackgroundRunner) runs as long.
//   - Stop ends an Initialize in flight (it returns ErrStopped) and what
//     Start began, and returns once every goroutine of the source has
//     exited; the source is then STOPPED, even if it never ran. It is
//     idempotent and safe to call concurrently, from any goroutine, and
//     returns promptly while the origin is unreachable. Initialize or Start
//     may follow it; the source then reconciles. Code of the program that
//     does not return (a validator that blocks) holds it up for
//     Config.StopTimeout at most: see there.
//   - Run returns when its context ends or Stop is called.
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
	log    *slog.Logger

	src     atomic.Pointer[flagz.Source] // the claimed source, nil before the first Initialize or Start
	last    atomic.Pointer[flagz.Report] // of the last batch handed to the engine
	stopped atomic.Bool                  // Stop was called before any Initialize or Start

	// op lets one of Initialize, Start and Stop act at a time: a channel of
	// capacity 1, held by sending to it (lock, unlock), so that Stop waits
	// for it no longer than its timeout. Stop does not wait for it before
	// it has ended the Initialize in flight (halt).
	op        chan struct{}
	cancel    context.CancelFunc // guarded by op: ends what Start launched
	done      chan struct{}      // guarded by op: closed when the goroutines Start launched have exited
	abandoned bool               // guarded by op: a Stop returned before done was closed (see reap)

	haltMu sync.Mutex
	halt   context.Context         // ends when Stop is called: Initializes in flight and Run end with it
	stop   context.CancelCauseFunc // ends halt

	mu       sync.Mutex // guards the fields below
	rev      int64      // the revision the flags were last brought up to
	current  bool       // the flags match the origin at rev: Follow may start without a listing
	lastHash [32]byte   // of the content last applied by a Replace or a listing
	hashed   bool       // lastHash is set
	seq      int64      // numbers the distinct snapshots of an origin without revisions
	dirty    chan struct{}

	undo undoState // what rolling back remembers (writeback.go)
}

// New returns a runtime of a source that applies what origin holds to the
// flags of fs, or an error naming the setting of cfg it cannot take (see
// Config for the defaults of the zero settings). Nothing happens until
// Initialize, Start or Run.
func New[F flagz.FlagSet](fs F, origin Origin, cfg Config) (*Runtime, error) {
	if origin == nil {
		return nil, errors.New("flagz: source: New: the origin is nil")
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	r := &Runtime{
		engine: flagz.EngineFor(fs),
		origin: origin,
		cfg:    cfg,
		log:    cfg.Logger.With("source", cfg.Name),
		dirty:  make(chan struct{}, 1),
		op:     make(chan struct{}, 1),
	}
	r.halt, r.stop = context.WithCancelCause(context.Background())
	return r, nil
}

// Name returns the source's name.
func (r *Runtime) Name() string { return r.cfg.Name }

// Status returns the source's health (CONNECTING, SERVING, DEGRADED,
// STOPPED), its last sync time and revision, and its counts of applied,
// rejected, restart-required, command-line and ignored names. The debug
// handler and the metrics read the same status through flagz.Engine.Sources.
func (r *Runtime) Status() record.SourceStatus {
	if s := r.src.Load(); s != nil {
		return s.Status()
	}
	st := record.SourceStatus{Name: r.cfg.Name, State: record.StateConnecting}
	if r.stopped.Load() {
		st.State = record.StateStopped
	}
	return st
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

// applied keeps the report of a batch, at revision, for LastReport, and
// hands it to an origin that observes them.
func (r *Runtime) applied(revision int64, report flagz.Report) flagz.Report {
	r.last.Store(&report)
	if o, ok := r.origin.(Observer); ok {
		_ = r.safely("observe a batch", func() error {
			o.Applied(revision, report)
			return nil
		})
	}
	return report
}

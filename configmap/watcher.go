package configmap

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/fsnotify/fsnotify"

	"github.com/flagz-go/flagz"
)

// ErrRunning is returned by Start when the watcher is running already.
var ErrRunning = errors.New("configmap: watcher already running")

// origin is what a Watcher follows: a directory or a file.
type origin interface {
	// read returns the whole current snapshot, name -> value.
	read() (map[string]string, error)
	// watchPaths lists the paths to keep an fsnotify watch on.
	watchPaths() []string
	// classify tells what an event means to the origin.
	classify(ev fsnotify.Event) eventKind
}

type eventKind int

const (
	eventIgnored eventKind = iota // not about the origin
	eventHint                     // the content may have changed: read once the burst is over
	eventSwap                     // ..data was swapped: a complete version is in place, read at once
	eventRewatch                  // a watched path itself was replaced: watch it again, then read
)

// Watcher keeps the flags of one flag set in step with a mounted ConfigMap
// directory (New) or a YAML or JSON file (NewFile).
//
// Call Initialize to load the origin once, then Start to follow it (or Run
// for both); Stop ends the watch and waits for it. A Watcher can be started
// again after Stop; the first read after a restart reconciles whatever
// changed in between.
type Watcher struct {
	src    *flagz.Source
	logger *slog.Logger
	cfg    config
	origin origin

	syncMu   sync.Mutex // serialises reads and applies
	loaded   bool       // a snapshot was applied
	lastHash [32]byte   // hash of the snapshot last applied
	rev      int64      // counts the snapshots applied

	mu     sync.Mutex // guards cancel and done
	cancel context.CancelFunc
	done   chan struct{}
}

func newWatcher[F flagz.FlagSet](fs F, o origin, cfg config, opts []Option) *Watcher {
	cfg.logger = slog.Default()
	for _, opt := range opts {
		opt(&cfg)
	}
	return &Watcher{
		src:    flagz.EngineFor(fs).Source(cfg.name, flagz.WithLogger(cfg.logger)),
		logger: cfg.logger.With("source", cfg.name),
		cfg:    cfg,
		origin: o,
	}
}

// flagTypeFunc returns a function giving the Type() of the flag called name
// on fs, or "" when there is none.
func flagTypeFunc[F flagz.FlagSet](fs F) func(name string) string {
	e := flagz.EngineFor(fs)
	return func(name string) string {
		st, ok := e.Flag(name)
		if !ok {
			return ""
		}
		return st.Type
	}
}

// Source returns the flagz source the watcher feeds.
func (w *Watcher) Source() *flagz.Source { return w.src }

// Status returns the watcher's health and counters: SERVING when the last
// read succeeded, DEGRADED when the origin is missing, unreadable or does
// not parse (the last good values stay), STOPPED after Stop.
func (w *Watcher) Status() flagz.SourceStatus { return w.src.Status() }

// Initialize reads the origin once and applies the values, static flags
// included (static flags may be set only here). Every good entry is applied
// even if others are bad. The report names every flag that refused its
// value and every name no flag is declared for; those do not make
// Initialize fail: report.Err() joins the refusals, each naming its flag.
//
// If the origin cannot be read or parsed (missing, unreadable, not valid
// YAML or JSON, an empty file), or ctx is done, Initialize returns the error
// and a nil report; the source is then DEGRADED, and a started watcher keeps
// trying.
func (w *Watcher) Initialize(ctx context.Context) (flagz.Report, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return w.sync(true)
}

// Start watches the origin in the background until ctx is done or Stop is
// called. It reads the origin at once, then after every burst of events,
// and every resync period. Snapshots read after Initialize are reconciled:
// changed names are applied and names gone return to their defaults.
//
// Start fails only when no fsnotify watcher can be made (the inotify limits)
// or the watcher is running already; a missing origin is retried.
func (w *Watcher) Start(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done != nil {
		select {
		case <-w.done: // the last run ended with its context
		default:
			return ErrRunning
		}
	}
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("configmap: source %q: %w", w.src.Name(), err)
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	w.cancel, w.done = cancel, done
	go func() {
		defer close(done)
		w.loop(ctx, fsw)
	}()
	return nil
}

// Stop ends the watch, closes the fsnotify watcher and waits for every
// goroutine of the watcher to return. It is safe to call more than once and
// concurrently; the flags keep their values.
func (w *Watcher) Stop() {
	w.mu.Lock()
	cancel, done := w.cancel, w.done
	w.cancel = nil
	w.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	if done != nil {
		<-done
	}
}

// Run initializes the watcher, watches until ctx is done, then stops. An
// error of the initial load, and the entries it refused, are logged and the
// watch goes on (a missing origin may appear later); Run returns an error
// only when the watch cannot start.
func (w *Watcher) Run(ctx context.Context) error {
	report, err := w.Initialize(ctx)
	if err == nil {
		if rerr := report.Err(); rerr != nil {
			err = fmt.Errorf("configmap: source %q: %w", w.src.Name(), rerr)
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		w.logger.Warn("configmap: initial load incomplete", "err", err)
	}
	if err := w.Start(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	w.Stop()
	return nil
}

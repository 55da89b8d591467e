package watcher

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/flagz-go/flagz"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// Watcher keeps the flags of one flag set in step with the keys under one
// etcd prefix. Create it with New, load the current values with
// Initialize, follow changes with Start, and end with Stop; or call Run.
type Watcher struct {
	client    *clientv3.Client
	prefix    string // as given, without a trailing slash
	keyPrefix string // prefix + "/": every flag's key starts with it
	stream    string // distinguishes this watcher's gRPC watch stream (watchContext)
	opts      options
	src       *flagz.Source
	log       *slog.Logger

	// life orders Initialize, Start and Stop.
	life   sync.Mutex
	cancel context.CancelFunc
	done   chan struct{} // closed when the goroutine Start launched has exited

	// Owned by whoever holds life while nothing runs, else by the running
	// goroutine.
	loaded  bool  // the source had its first full snapshot (from etcd or the snapshot file)
	current bool  // the flags match etcd at rev: a watch may start at rev+1 without a listing
	rev     int64 // the etcd revision the flags were last brought up to
}

// New returns a watcher that sets the flags of fs from the keys
// <prefix>/<flag-name> read through client. Deeper keys
// (<prefix>/a/b) are ignored. The caller owns client (endpoints, TLS, auth)
// and closes it after Stop.
func New[F flagz.FlagSet](fs F, client *clientv3.Client, prefix string, opts ...Option) (*Watcher, error) {
	if client == nil {
		return nil, errors.New("watcher: client is nil")
	}
	prefix = strings.TrimSuffix(prefix, "/")
	o := defaultOptions(prefix)
	for _, opt := range opts {
		opt(&o)
	}
	if err := o.validate(); err != nil {
		return nil, err
	}
	return &Watcher{
		client:    client,
		prefix:    prefix,
		keyPrefix: prefix + "/",
		stream:    newStreamID(),
		opts:      o,
		src:       flagz.EngineFor(fs).Source(o.sourceName, flagz.WithLogger(o.logger)),
		log:       o.logger.With("source", o.sourceName),
	}, nil
}

// Status returns the watcher's health (CONNECTING, SERVING, DEGRADED,
// STOPPED), last sync time, last revision and counters. The debug handler
// and the metrics read the same status through flagz.Engine.Sources.
func (w *Watcher) Status() flagz.SourceStatus { return w.src.Status() }

// Initialize reads every key under the prefix once and applies the values,
// static flags included. The report names every flag that refused its value
// and every key no flag is declared for; those do not make Initialize fail.
//
// If etcd does not answer within the request timeout (see WithHealthCheck)
// and a snapshot file is configured (WithSnapshotFile), Initialize applies
// the values saved there, reports DEGRADED and returns no error; Start then
// keeps trying to reach etcd. Otherwise it returns the error.
func (w *Watcher) Initialize(ctx context.Context) (flagz.Report, error) {
	w.life.Lock()
	defer w.life.Unlock()
	if w.runningLocked() {
		return nil, errors.New("watcher: Initialize while started")
	}
	report, err := w.resync(ctx)
	if err == nil {
		return report, nil
	}
	err = fmt.Errorf("watcher: read %s: %w", w.keyPrefix, err)
	if w.opts.snapshotPath == "" {
		w.src.SetState(flagz.StateConnecting, err)
		return nil, err
	}
	report, serr := w.loadSnapshot()
	if serr != nil {
		err = errors.Join(err, serr)
		w.src.SetState(flagz.StateConnecting, err)
		return nil, err
	}
	w.src.SetState(flagz.StateDegraded, err)
	w.log.Warn("flagz watcher: etcd unreachable, serving the last known good values from the snapshot file",
		"path", w.opts.snapshotPath, "error", err)
	return report, nil
}

// Start follows changes under the prefix in a goroutine until ctx is done
// or Stop is called. If Initialize did not read etcd, Start reads every key
// first. While etcd is unreachable the flags keep their last good values,
// the state is DEGRADED, and Start's goroutine retries with capped
// exponential backoff and jitter.
func (w *Watcher) Start(ctx context.Context) error {
	w.life.Lock()
	defer w.life.Unlock()
	if w.runningLocked() {
		return errors.New("watcher: already started")
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	w.cancel, w.done = cancel, done
	go w.run(ctx, done)
	return nil
}

// Stop ends what Start began and waits until every goroutine of the watcher
// has exited and its etcd watch is closed. It returns promptly even while
// etcd is unreachable. Calling it again does nothing; Start may be called
// again afterwards.
func (w *Watcher) Stop() {
	w.life.Lock()
	defer w.life.Unlock()
	if w.cancel != nil {
		w.cancel()
		w.cancel = nil
	}
	if w.done != nil {
		<-w.done
	}
	w.src.SetState(flagz.StateStopped, nil)
}

// Run calls Initialize and Start, waits until ctx is done, then calls Stop.
// It returns Initialize's error, or nil.
func (w *Watcher) Run(ctx context.Context) error {
	if _, err := w.Initialize(ctx); err != nil {
		return err
	}
	if err := w.Start(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	w.Stop()
	return nil
}

func (w *Watcher) runningLocked() bool {
	if w.done == nil {
		return false
	}
	select {
	case <-w.done:
		return false
	default:
		return true
	}
}

package configmap

import (
	"context"
	"fmt"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/schema"
	"github.com/flagz-go/flagz/source"
)

// ErrRunning is returned by Initialize and Start while the watcher runs. It
// is source.ErrRunning, the same for every source.
var ErrRunning = source.ErrRunning

// kind is what a Watcher follows: a directory or a file.
type kind interface {
	// read returns the whole current snapshot, name -> value, with the
	// trouble of the names it could not read in Partial.
	read() (source.Snapshot, error)
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
// directory (New) or a YAML or JSON file (NewFile). It runs on a
// source.Runtime, which owns its lifecycle: Initialize loads the origin
// once, Start follows it (or Run for both), Stop ends the watch and waits
// for it, Status tells its health. A Watcher can be started again after
// Stop; the first read after a restart reconciles whatever changed in
// between.
type Watcher struct {
	rt     *source.Runtime
	origin kind
}

func newWatcher[F flagz.FlagSet](fs F, k kind, cfg config) (*Watcher, error) {
	o := &fsOrigin{kind: k, debounce: cfg.debounce, transform: cfg.transform, name: cfg.Config.Name,
		reads: newReads(cfg.readHook)}
	rt, err := source.New(fs, o, cfg.Config)
	if err != nil {
		return nil, fmt.Errorf("configmap: %w", err)
	}
	return &Watcher{rt: rt, origin: k}, nil
}

// fsOrigin is the source.Origin of a directory or a file: it reads the whole
// of it, and follows it with fsnotify.
type fsOrigin struct {
	kind      kind
	name      string
	debounce  time.Duration
	transform func(fsnotify.Event) (fsnotify.Event, bool)
	reads     *reads
}

func (o *fsOrigin) List(ctx context.Context) (source.Snapshot, error) {
	return o.readAll(ctx)
}

// readAll reads the whole origin, giving up when ctx ends (see reads).
func (o *fsOrigin) readAll(ctx context.Context) (source.Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return source.Snapshot{}, err
	}
	snap, err := o.reads.do(ctx, o.kind.read)
	if err != nil {
		return source.Snapshot{}, fmt.Errorf("configmap: %w", err)
	}
	return snap, nil
}

// flagNamed returns a function telling whether fs has a flag called name.
func flagNamed[F flagz.FlagSet](fs F) func(name string) bool {
	e := flagz.EngineFor(fs)
	return func(name string) bool {
		_, ok := e.FlagSyntax(name)
		return ok
	}
}

// flagSyntax returns a function giving the syntax of the flag called name
// on fs (text for a name no flag has).
func flagSyntax[F flagz.FlagSet](fs F) func(name string) schema.Syntax {
	e := flagz.EngineFor(fs)
	return func(name string) schema.Syntax {
		s, _ := e.FlagSyntax(name)
		return s
	}
}

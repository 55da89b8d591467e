package configmap

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/flagz-go/flagz/source"
	"github.com/fsnotify/fsnotify"
)

// Follow watches the origin with fsnotify until ctx ends, and reads it
// whole after each burst of events. An fsnotify error (an overflow: events
// were lost) is answered with a full read; a watched directory replaced is
// watched again. It returns when a read fails (the origin is missing,
// unreadable or does not parse): the runtime then keeps the last good
// values, reports DEGRADED and lists again with backoff.
func (o *fsOrigin) Follow(ctx context.Context, _ int64, sink source.Sink) error {
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("configmap: %w", err)
	}
	defer fsw.Close()
	if err := o.watch(fsw, false); err != nil {
		return err
	}
	// The listing the runtime applied may predate the watches: read again.
	if err := o.read(sink); err != nil {
		return err
	}
	sink.Serving()

	timer := time.NewTimer(0)
	if !timer.Stop() {
		<-timer.C
	}
	defer timer.Stop()
	var (
		burstStart time.Time // first event of the burst the timer waits out
		rewatch    bool      // watches must be added again before the next read
	)
	schedule := func(d time.Duration) {
		now := time.Now()
		if burstStart.IsZero() {
			burstStart = now
		}
		// A steady stream of events cannot postpone a read forever.
		if limit := burstStart.Add(10 * o.debounce).Sub(now); d > limit {
			d = max(limit, 0)
		}
		timer.Reset(d)
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case ev, ok := <-fsw.Events:
			if !ok {
				return fmt.Errorf("configmap: fsnotify closed its event channel")
			}
			if o.transform != nil {
				if ev, ok = o.transform(ev); !ok {
					continue
				}
			}
			switch o.kind.classify(ev) {
			case eventHint:
				schedule(o.debounce)
			case eventSwap:
				schedule(0)
			case eventRewatch:
				rewatch = true
				schedule(o.debounce)
			}
		case err, ok := <-fsw.Errors:
			if !ok {
				return fmt.Errorf("configmap: fsnotify closed its error channel")
			}
			// An overflow means events were lost: read everything.
			sink.Degraded(fmt.Errorf("configmap: fsnotify: %w; reading the origin again", err))
			schedule(o.debounce)
		case <-timer.C:
			burstStart = time.Time{}
			if rewatch {
				if err := o.watch(fsw, true); err != nil {
					return err
				}
				rewatch = false
			}
			if err := o.read(sink); err != nil {
				return err
			}
		}
	}
}

// read reads the whole origin and hands it to sink.
func (o *fsOrigin) read(sink source.Sink) error {
	values, err := o.kind.read()
	if err != nil {
		return fmt.Errorf("configmap: %w", err)
	}
	sink.Replace(source.Snapshot{Values: values})
	return nil
}

// watch adds the origin's watches that are missing, or every one again when
// force is set (a watched directory was replaced, perhaps by a symlink to a
// new target). Watching the parent lets the watcher see the origin vanish and
// come back.
func (o *fsOrigin) watch(fsw *fsnotify.Watcher, force bool) error {
	have := fsw.WatchList()
	for _, p := range o.kind.watchPaths() {
		if slices.Contains(have, p) {
			if !force {
				continue
			}
			_ = fsw.Remove(p) // the old watch may be gone with its inode
		}
		if err := fsw.Add(p); err != nil {
			return fmt.Errorf("configmap: watch %s: %w", p, err)
		}
	}
	return nil
}

package configmap

import (
	"context"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/flagz-go/flagz"
)

// maxRetryDelay caps the wait between two reads of an origin that is missing
// or unreadable.
const maxRetryDelay = 5 * time.Second

// loop follows the origin until ctx is done. It never returns on an error:
// fsnotify errors are logged and answered with a full read, a failed read is
// retried with capped exponential backoff and jitter, and watches lost with
// a removed directory are added again.
func (w *Watcher) loop(ctx context.Context, fsw *fsnotify.Watcher) {
	defer func() {
		if err := fsw.Close(); err != nil {
			w.logger.Warn("configmap: closing fsnotify watcher", "err", err)
		}
		w.src.SetState(flagz.StateStopped, nil)
	}()

	var resync <-chan time.Time
	if w.cfg.resync > 0 {
		ticker := time.NewTicker(w.cfg.resync)
		defer ticker.Stop()
		resync = ticker.C
	}
	timer := time.NewTimer(0) // the first read happens at once
	defer timer.Stop()

	var (
		burstStart time.Time // first event of the burst the timer waits out
		rewatch    = true    // watches must be (re)added before the next read
		failures   int       // consecutive failed reads
	)
	schedule := func(d time.Duration) {
		now := time.Now()
		if burstStart.IsZero() {
			burstStart = now
		}
		if limit := burstStart.Add(10 * w.cfg.debounce).Sub(now); d > limit {
			d = max(limit, 0)
		}
		timer.Reset(d)
	}
	read := func() {
		burstStart = time.Time{}
		watchErr := w.watch(fsw, rewatch)
		rewatch = watchErr != nil
		_, readErr := w.sync(false)
		if readErr != nil || watchErr != nil {
			failures++
			timer.Reset(backoff(w.cfg.debounce, failures))
			return
		}
		failures = 0
	}

	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-fsw.Events:
			if !ok {
				return
			}
			if w.cfg.transform != nil {
				if ev, ok = w.cfg.transform(ev); !ok {
					continue
				}
			}
			switch w.origin.classify(ev) {
			case eventHint:
				schedule(w.cfg.debounce)
			case eventSwap:
				schedule(0)
			case eventRewatch:
				rewatch = true
				schedule(w.cfg.debounce)
			}
		case err, ok := <-fsw.Errors:
			if !ok {
				return
			}
			// An overflow means events were lost: read everything.
			w.logger.Warn("configmap: fsnotify error, reading the origin again", "err", err)
			schedule(w.cfg.debounce)
		case <-timer.C:
			read()
		case <-resync:
			read()
		}
	}
}

// watch adds the origin's watches that are missing, or every one again when
// force is set (a watched directory was replaced, perhaps by a symlink to a
// new target). Watching the parent lets the watcher see the origin vanish and
// come back.
func (w *Watcher) watch(fsw *fsnotify.Watcher, force bool) error {
	have := fsw.WatchList()
	var firstErr error
	for _, p := range w.origin.watchPaths() {
		if slices.Contains(have, p) {
			if !force {
				continue
			}
			_ = fsw.Remove(p) // the old watch may be gone with its inode
		}
		if err := fsw.Add(p); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}

// backoff returns the wait before retry number n: the debounce doubled n
// times, capped at maxRetryDelay, with ±20% jitter.
func backoff(debounce time.Duration, n int) time.Duration {
	d := maxRetryDelay
	if n < 20 && debounce<<n < maxRetryDelay {
		d = debounce << n
	}
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

package watcher

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/flagz-go/flagz/internal/recovery"
	"github.com/flagz-go/flagz/watcher/presence"
)

// DefaultHealthInterval is how often the check of WithHealth runs, unless
// WithHealthInterval says otherwise.
const DefaultHealthInterval = time.Second

// WithHealth makes the watcher publish, in its presence record
// (WithPresence, which it needs), what check says of the process's own
// health: check runs every WithHealthInterval (default 1s) while the
// watcher is started, bounded by that interval; nil means healthy, an
// error unhealthy, with the error's text as the reason (cut if long; it
// must not quote a sensitive value). A panic, or a check that does not
// return in time, is unhealthy too. The record is written again when the
// process turns unhealthy, or healthy again, not on every check.
//
// flagz set --canary halts a canary when a process of its stage reports
// itself unhealthy: a check that looks at what the flags drive (errors,
// refused requests, latency) turns a bad value into a stopped rollout.
func WithHealth(check func(context.Context) error) Option {
	return func(o *options) {
		if check == nil {
			o.Refuse("WithHealth", errors.New("the check is nil"))
			return
		}
		o.presence.health = check
	}
}

// WithHealthInterval sets how often the check of WithHealth runs, and how
// long it may take (default DefaultHealthInterval; at least 10ms).
func WithHealthInterval(d time.Duration) Option {
	return func(o *options) {
		if d < 10*time.Millisecond {
			o.Refuse(fmt.Sprintf("WithHealthInterval(%v)", d), errors.New("must be at least 10ms"))
			return
		}
		o.presence.healthEvery = d
	}
}

// selfHealth runs the check of WithHealth and keeps what it said last.
type selfHealth struct {
	check func(context.Context) error
	every time.Duration
	log   *slog.Logger

	mu  sync.Mutex
	cur *presence.Health // nil before the first check said anything
}

// get returns what the check said last, for the presence status: nil
// before the first check.
func (h *selfHealth) get() *presence.Health {
	if h == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.cur == nil {
		return nil
	}
	c := *h.cur
	return &c
}

// run checks every interval until ctx ends, calling changed when the
// process turns unhealthy or healthy again (a first check that finds it
// healthy changes nothing: no record said otherwise).
func (h *selfHealth) run(ctx context.Context, changed func()) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := h.once(ctx)
		if ctx.Err() != nil {
			return
		}
		if h.record(err, time.Now().UTC()) {
			changed()
		}
		t.Reset(h.every)
	}
}

// once runs the check, bounded by the interval, recovering a panic.
func (h *selfHealth) once(ctx context.Context) (err error) {
	cctx, cancel := context.WithTimeout(ctx, h.every)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		var err error
		defer func() { done <- err }()
		defer recovery.Site{Op: "health check", Log: h.log}.Recover(&err)
		err = h.check(cctx)
	}()
	select {
	case err := <-done:
		return err
	case <-cctx.Done():
		return fmt.Errorf("the health check did not return within %v", h.every)
	}
}

// record keeps what a check said; it reports whether the process turned
// unhealthy or healthy again.
func (h *selfHealth) record(err error, now time.Time) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	ok := err == nil
	reason := ""
	if !ok {
		reason = presence.Cut(err.Error())
	}
	switch {
	case h.cur == nil:
		h.cur = &presence.Health{OK: ok, Reason: reason, Since: now}
		if !ok {
			h.log.Warn("flagz watcher: the health check fails", "reason", reason)
		}
		return !ok
	case h.cur.OK != ok:
		h.cur = &presence.Health{OK: ok, Reason: reason, Since: now}
		if ok {
			h.log.Info("flagz watcher: the health check passes again")
		} else {
			h.log.Warn("flagz watcher: the health check fails", "reason", reason)
		}
		return true
	default:
		h.cur.Reason = reason // published with the next write
		return false
	}
}

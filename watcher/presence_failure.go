package watcher

import (
	"sync"
	"time"
)

// PresenceFailure says why the watcher's presence record is not being
// published (see WithPresence): the writer keeps trying, with backoff,
// and meanwhile tools waiting for the process (flagz set --wait) see it as
// not answering.
type PresenceFailure struct {
	Err      error     // the last attempt's error
	Since    time.Time // when the writes began to fail
	Failures int       // attempts failed in a row
}

// PresenceFailure returns why the last attempt to publish the presence
// record failed, and ok true, while writes fail; ok false once a write
// succeeds again, or without WithPresence.
func (w *Watcher) PresenceFailure() (f PresenceFailure, ok bool) {
	if w.origin.presence == nil {
		return PresenceFailure{}, false
	}
	return w.origin.presence.writer.failure.get()
}

// publishFailure is the presence writer's failure state: set by its
// goroutine, read by anyone.
type publishFailure struct {
	mu      sync.Mutex
	f       PresenceFailure
	failing bool
	logged  string // the error last logged: each distinct error is logged once per failure
}

// failed records a failed attempt; it reports whether err differs from the
// error last logged during this failure (the caller then logs it).
func (p *publishFailure) failed(err error, now time.Time) (distinct bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.failing {
		p.failing, p.f, p.logged = true, PresenceFailure{Since: now}, ""
	}
	p.f.Err = err
	p.f.Failures++
	msg := err.Error()
	if msg == p.logged {
		return false
	}
	p.logged = msg
	return true
}

// succeeded records a successful write; it reports whether writes were
// failing until now.
func (p *publishFailure) succeeded() (wasFailing bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	wasFailing = p.failing
	p.failing, p.f, p.logged = false, PresenceFailure{}, ""
	return wasFailing
}

func (p *publishFailure) get() (PresenceFailure, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.f, p.failing
}

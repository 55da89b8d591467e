package flagz

import (
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"sync"
	"time"
)

// Event tells a subscriber what one batch of a source did, or that a source
// entered a new state.
type Event struct {
	Time   time.Time
	Source string

	// Revision and Report describe a batch: every name it held and what
	// became of it. Report is nil for a state change.
	Revision int64
	Report   Report

	// State is the source's status as it entered a new state (CONNECTING,
	// SERVING, DEGRADED, STOPPED); nil for a batch.
	State *SourceStatus
}

// Changed returns the names whose value the batch changed, sorted.
func (ev Event) Changed() []string {
	var names []string
	for _, o := range ev.Report {
		if o.Result == Applied {
			names = append(names, o.Flag)
		}
	}
	return names
}

// Subscribe calls fn with an Event after every batch a source of the flag
// set applies (a resync of 10,000 flags is one event), and whenever a
// source's state changes. Events reach fn in the order they happened, one
// at a time, on a goroutine of the subscription's own: a slow subscriber
// delays nothing but its own events. A panic in fn is recovered and logged.
// Changes made by calling a value's Set directly are not batches and make
// no event. The returned function ends the subscription; it returns once no
// call of fn is in progress, and must not be called from fn.
func (e *Engine) Subscribe(fn func(Event)) (unsubscribe func()) {
	s := &subscription{fn: fn}
	s.idle = sync.NewCond(&s.mu)
	e.mu.Lock()
	subs := append(slices.Clone(e.subscribers()), s)
	e.subs.Store(&subs)
	e.mu.Unlock()
	return func() {
		e.mu.Lock()
		subs := slices.DeleteFunc(slices.Clone(e.subscribers()), func(x *subscription) bool { return x == s })
		e.subs.Store(&subs)
		e.mu.Unlock()
		s.close()
	}
}

// publish hands ev to every subscriber.
func (e *Engine) publish(ev Event) {
	for _, s := range e.subscribers() {
		s.push(ev)
	}
}

// subscribers returns the current subscriptions. The slice is never
// modified: Subscribe and unsubscribing replace it.
func (e *Engine) subscribers() []*subscription {
	if subs := e.subs.Load(); subs != nil {
		return *subs
	}
	return nil
}

// subscription queues events for one subscriber, delivered by a goroutine
// that exists only while there is something to deliver.
type subscription struct {
	fn func(Event)

	mu      sync.Mutex
	pending []Event
	running bool
	closed  bool
	idle    *sync.Cond // signalled when the goroutine stops
}

func (s *subscription) push(ev Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.pending = append(s.pending, ev)
	if !s.running {
		s.running = true
		go s.drain()
	}
}

func (s *subscription) drain() {
	for {
		s.mu.Lock()
		batch := s.pending
		s.pending = nil
		if len(batch) == 0 || s.closed {
			s.running = false
			s.idle.Broadcast()
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
		for _, ev := range batch {
			s.call(ev)
		}
	}
}

func (s *subscription) call(ev Event) {
	defer func() {
		if p := recover(); p != nil {
			slog.Error("flagz: a subscriber of the engine panicked", "source", ev.Source,
				"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	s.fn(ev)
}

// close drops what is queued and waits until no call is in progress.
func (s *subscription) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	s.pending = nil
	for s.running {
		s.idle.Wait()
	}
}

package ofprovider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/record"
	"github.com/open-feature/go-sdk/openfeature"
)

// ErrNotLoaded is what Init returns, wrapped with the names of the sources
// and the context's error, when its context ends before every source of the
// flag set has loaded.
var ErrNotLoaded = errors.New("ofprovider: the flag set's sources have not loaded")

// InitWithContext subscribes to the flag set's changes and waits until
// every source of the flag set has loaded (a source that is CONNECTING and
// never delivered a batch holds it up), bounded by ctx and the init
// timeout. On success the SDK reports PROVIDER_READY, followed at once by
// PROVIDER_STALE if a source is DEGRADED. When it gives up the provider
// keeps following: it reports PROVIDER_READY once the sources have loaded.
func (p *Provider) InitWithContext(ctx context.Context, _ openfeature.EvaluationContext) error {
	if p.initTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p.initTimeout)
		defer cancel()
	}
	p.lifeMu.Lock()
	p.mu.Lock()
	if p.phase == phaseIdle {
		p.stop = make(chan struct{})
		p.wake = make(chan struct{}, 1)
		p.unsub = p.e.Subscribe(p.handle)
	}
	p.phase = phaseInitializing
	wake, stop := p.wake, p.stop
	p.mu.Unlock()
	p.lifeMu.Unlock()
	// The copies of flags flagz did not declare are taken again: the
	// command line may have been parsed since New.
	p.refreshStatic(nil)

	for {
		p.mu.Lock()
		if p.stop != stop { // shut down meanwhile
			p.mu.Unlock()
			return fmt.Errorf("%w: the provider was shut down", ErrNotLoaded)
		}
		st := p.sourceState()
		if st.loaded {
			p.phase = phaseReady
			if st.degraded {
				// The SDK reports READY when Init returns; STALE follows it.
				p.stale = true
				go p.send(openfeature.ProviderStale, st.message, nil, stop)
			}
			p.mu.Unlock()
			return nil
		}
		p.mu.Unlock()
		select {
		case <-wake:
		case <-stop:
			return fmt.Errorf("%w: the provider was shut down", ErrNotLoaded)
		case <-ctx.Done():
			p.mu.Lock()
			if p.phase == phaseInitializing {
				p.phase = phaseFailed
			}
			p.mu.Unlock()
			return fmt.Errorf("%w (waiting for %s): %w", ErrNotLoaded, strings.Join(st.waiting, ", "), context.Cause(ctx))
		}
	}
}

// ShutdownWithContext ends the subscription to the flag set's changes,
// waiting for an event being handled. The provider may be initialised
// again.
func (p *Provider) ShutdownWithContext(context.Context) error {
	p.lifeMu.Lock()
	defer p.lifeMu.Unlock()
	if p.stop == nil {
		return nil // never initialised, or shut down already
	}
	close(p.stop) // a handler blocked sending an event under mu gives up
	p.mu.Lock()
	p.phase = phaseIdle
	p.stale = false
	p.stop = nil
	unsub := p.unsub
	p.unsub = nil
	p.mu.Unlock()
	unsub()
	return nil
}

// handle turns the Engine's events into the provider's.
func (p *Provider) handle(ev flagz.Event) {
	var changed []string
	if ev.Report != nil {
		if changed = ev.Changed(); len(changed) > 0 {
			p.refreshStatic(changed)
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.phase == phaseIdle {
		return
	}
	if len(changed) > 0 {
		p.emit(openfeature.ProviderConfigChange, changeMessage(ev, len(changed)), changed)
	}
	switch p.phase {
	case phaseInitializing:
		select {
		case p.wake <- struct{}{}:
		default:
		}
	case phaseFailed:
		if st := p.sourceState(); st.loaded {
			p.phase = phaseReady
			p.emit(openfeature.ProviderReady, "the flag set's sources have loaded", nil)
			if st.degraded {
				p.stale = true
				p.emit(openfeature.ProviderStale, st.message, nil)
			}
		}
	case phaseReady:
		st := p.sourceState()
		switch {
		case st.degraded && !p.stale:
			p.stale = true
			p.emit(openfeature.ProviderStale, st.message, nil)
		case !st.degraded && p.stale:
			p.stale = false
			p.emit(openfeature.ProviderReady, "every source of the flag set serves again", nil)
		}
	}
}

// changeMessage describes the changes of ev, n flags. An event that stands
// for several (the provider fell behind the flag set's changes: the SDK
// read no event for a while) says so.
func changeMessage(ev flagz.Event, n int) string {
	if ev.Merged > 0 {
		return fmt.Sprintf("%d flags changed in %d events merged into one (the provider's events were not read for a while)", n, ev.Merged)
	}
	return fmt.Sprintf("source %s changed %d flags at revision %d", ev.Source, n, ev.Revision)
}

// emit sends an event; the caller holds p.mu.
func (p *Provider) emit(t openfeature.EventType, msg string, flags []string) {
	p.send(t, msg, flags, p.stop)
}

// send delivers an event to the SDK unless the provider shuts down first.
func (p *Provider) send(t openfeature.EventType, msg string, flags []string, stop <-chan struct{}) {
	ev := openfeature.Event{ProviderName: Name, EventType: t,
		ProviderEventDetails: openfeature.ProviderEventDetails{Message: msg, FlagChanges: flags}}
	select {
	case p.events <- ev:
	case <-stop:
	}
}

// sourcesState sums up the flag set's sources.
type sourcesState struct {
	loaded   bool     // no source waits for its first batch
	degraded bool     // a source is DEGRADED
	waiting  []string // the sources that have not loaded
	message  string   // which sources are DEGRADED, and why
}

func (p *Provider) sourceState() sourcesState {
	var st sourcesState
	var down []string
	for _, s := range p.e.Sources() {
		switch {
		case s.State == record.StateDegraded:
			down = append(down, fmt.Sprintf("%s (%s)", s.Name, s.Err))
		case s.State == record.StateConnecting && s.LastSync.IsZero():
			st.waiting = append(st.waiting, s.Name)
		}
	}
	st.loaded = len(st.waiting) == 0
	if len(down) > 0 {
		st.degraded = true
		st.message = "sources DEGRADED, serving their last good values: " + strings.Join(down, ", ")
	}
	return st
}

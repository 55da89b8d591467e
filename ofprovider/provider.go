package ofprovider

import (
	"context"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/open-feature/go-sdk/openfeature"
)

// Name is the provider's name in the OpenFeature metadata and events.
const Name = "flagz"

// DefaultInitTimeout bounds how long Init waits for the flag set's sources
// to load, unless WithInitTimeout says otherwise.
const DefaultInitTimeout = 30 * time.Second

// Provider is an OpenFeature provider over one flag set. Make it with New.
type Provider struct {
	e           *flagz.Engine
	metadata    bool
	initTimeout time.Duration

	flags atomic.Pointer[map[string]*flagEntry] // copied on write, under addMu
	addMu sync.Mutex

	events chan openfeature.Event // never closed: the SDK may Init the provider again

	// lifeMu orders Init's start and Shutdown; it is taken before mu, and
	// never held while Init waits.
	lifeMu sync.Mutex
	// stop is closed by Shutdown, before it takes mu, so that an event
	// send blocked under mu gives up. Written under lifeMu and mu.
	stop chan struct{}

	mu    sync.Mutex // guards the fields below; taken before the Engine's locks
	phase phase
	stale bool
	unsub func()
	wake  chan struct{} // signalled when a source changed, for a waiting Init
}

// phase is where the provider is in its life.
type phase int

const (
	phaseIdle         phase = iota // not initialised, or shut down
	phaseInitializing              // Init is waiting for the sources
	phaseReady                     // initialised: the SDK knows it as ready (or stale)
	phaseFailed                    // Init gave up; READY follows once the sources load
)

var (
	_ openfeature.FeatureProvider          = (*Provider)(nil)
	_ openfeature.ContextAwareStateHandler = (*Provider)(nil)
	_ openfeature.EventHandler             = (*Provider)(nil)
)

// Option configures a Provider.
type Option func(*Provider)

// WithoutMetadata leaves FlagMetadata out of every answer. The provider
// builds the metadata once per change, but the OpenFeature client copies
// the map on every evaluation (two allocations, 336 bytes): without it an
// evaluation through the client costs less than with the SDK's in-memory
// provider, with it more (see benchmarks/README.md).
func WithoutMetadata() Option { return func(p *Provider) { p.metadata = false } }

// WithInitTimeout bounds how long Init waits for the sources to load
// (DefaultInitTimeout unless given); d <= 0 leaves only Init's context to
// bound it. When Init gives up the SDK reports PROVIDER_ERROR, and the
// provider reports PROVIDER_READY once the sources have loaded.
func WithInitTimeout(d time.Duration) Option { return func(p *Provider) { p.initTimeout = d } }

// New returns a provider serving the flags of fs, a *pflag.FlagSet or a
// standard *flag.FlagSet. Flags declared on fs after New are found on
// their first evaluation.
func New[F flagz.FlagSet](fs F, opts ...Option) *Provider {
	p := &Provider{
		e:           flagz.EngineFor(fs),
		metadata:    true,
		initTimeout: DefaultInitTimeout,
		events:      make(chan openfeature.Event, 16),
	}
	for _, opt := range opts {
		opt(p)
	}
	p.flags.Store(p.load())
	return p
}

// load makes an entry for every flag the flag set has now.
func (p *Provider) load() *map[string]*flagEntry {
	var states []flagz.FlagState
	p.e.VisitFlags(func(st *flagz.FlagState) bool {
		states = append(states, *st)
		return true
	})
	m := make(map[string]*flagEntry, len(states))
	for i := range states {
		if h, ok := p.e.Handle(states[i].Name); ok {
			m[states[i].Name] = p.newEntry(h, &states[i])
		}
	}
	return &m
}

// flag returns the entry of the flag called name, nil if there is none.
func (p *Provider) flag(name string) *flagEntry {
	if fl := (*p.flags.Load())[name]; fl != nil {
		return fl
	}
	return p.add(name)
}

// add makes the entry of a flag declared after New. Names without a flag
// are not remembered, so arbitrary keys cannot grow the table.
func (p *Provider) add(name string) *flagEntry {
	h, ok := p.e.Handle(name)
	if !ok {
		return nil
	}
	st, ok := p.e.Flag(name)
	if !ok {
		return nil
	}
	p.addMu.Lock()
	defer p.addMu.Unlock()
	old := *p.flags.Load()
	if fl := old[name]; fl != nil {
		return fl
	}
	fl := p.newEntry(h, &st)
	m := maps.Clone(old)
	m[name] = fl
	p.flags.Store(&m)
	return fl
}

// refreshStatic takes a new copy of the flags flagz did not declare among
// names (all of them when names is nil).
func (p *Provider) refreshStatic(names []string) {
	m := *p.flags.Load()
	refresh := func(fl *flagEntry) {
		if fl.kind != kindCopied {
			return
		}
		if st, ok := p.e.Flag(fl.h.Name()); ok {
			fl.copyFrom(&st, p.metadata)
		}
	}
	if names == nil {
		for _, fl := range m {
			refresh(fl)
		}
		return
	}
	for _, name := range names {
		if fl := m[name]; fl != nil {
			refresh(fl)
		}
	}
}

// Metadata names the provider.
func (p *Provider) Metadata() openfeature.Metadata { return openfeature.Metadata{Name: Name} }

// Hooks returns no hooks.
func (p *Provider) Hooks() []openfeature.Hook { return nil }

// EventChannel returns the channel of the provider's events.
func (p *Provider) EventChannel() <-chan openfeature.Event { return p.events }

// Init is InitWithContext without a context of the caller's.
func (p *Provider) Init(evalCtx openfeature.EvaluationContext) error {
	return p.InitWithContext(context.Background(), evalCtx)
}

// Shutdown is ShutdownWithContext without a context of the caller's.
func (p *Provider) Shutdown() { _ = p.ShutdownWithContext(context.Background()) }

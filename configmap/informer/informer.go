package informer

import (
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/flagz-go/flagz"
	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"
)

// DefaultSyncTimeout bounds how long Initialize waits for the first sync when
// no WithSyncTimeout option is given.
const DefaultSyncTimeout = 30 * time.Second

// CoreV1Getter gives access to the core/v1 API group. A kubernetes.Interface
// (the full clientset, or its fake) satisfies it, and so do the clients
// returned by NewClient, InClusterClient and KubeconfigClient, which pull in
// only the core/v1 typed client.
type CoreV1Getter interface {
	CoreV1() corev1client.CoreV1Interface
}

// Informer follows one ConfigMap through the Kubernetes API and applies its
// data and binaryData to the flags of one flag set. Create it with New, then
// call Initialize and Start (or Run); Stop ends it.
//
// Each key of the ConfigMap is a flag name and its value the flag's text;
// binaryData values are passed as their raw bytes. The first sync is loaded
// (static flags may be set then); each later change is reconciled: keys gone
// from the ConfigMap return their flags to the defaults, and a deleted
// ConfigMap returns all of them.
type Informer struct {
	client    CoreV1Getter
	namespace string
	name      string
	src       *flagz.Source
	logger    *slog.Logger
	timeout   time.Duration

	mu         sync.Mutex // serialises Initialize, Start and Stop
	run        *run       // the informer now running, nil when stopped
	everLoaded bool       // a run has loaded once: later runs reconcile

	events, batches, ignored atomic.Uint64
	lastReport               atomic.Pointer[flagz.Report]
}

// Option configures an Informer.
type Option func(*config)

type config struct {
	logger     *slog.Logger
	sourceName string
	timeout    time.Duration
}

// WithLogger sends the informer's logs and the engine's audit log (one line
// per applied or refused change) to logger instead of slog.Default().
func WithLogger(logger *slog.Logger) Option {
	return func(c *config) { c.logger = logger }
}

// WithSourceName names the source in the engine (debug page, metrics, audit
// log). The default is "configmap-api:<namespace>/<name>".
func WithSourceName(name string) Option {
	return func(c *config) { c.sourceName = name }
}

// WithSyncTimeout bounds how long Initialize waits for the first sync
// (DefaultSyncTimeout otherwise); the context given to Initialize may cut it
// shorter.
func WithSyncTimeout(d time.Duration) Option {
	return func(c *config) { c.timeout = d }
}

// New returns an Informer that applies the ConfigMap called name in
// namespace to the flags of fs. Nothing happens until Initialize, Start or
// Run. The client needs get, list and watch on that ConfigMap (see the
// package documentation for the Role).
func New[F flagz.FlagSet](fs F, client CoreV1Getter, namespace, name string, opts ...Option) *Informer {
	c := config{logger: slog.Default(), timeout: DefaultSyncTimeout,
		sourceName: "configmap-api:" + namespace + "/" + name}
	for _, opt := range opts {
		opt(&c)
	}
	if c.logger == nil {
		c.logger = slog.Default()
	}
	logger := c.logger.With("source", c.sourceName)
	return &Informer{
		client:    client,
		namespace: namespace,
		name:      name,
		src:       flagz.EngineFor(fs).Source(c.sourceName, flagz.WithLogger(c.logger)),
		logger:    logger,
		timeout:   c.timeout,
	}
}

// Source returns the engine's handle for this informer: its name, status and
// what it holds.
func (i *Informer) Source() *flagz.Source { return i.src }

// Status returns the informer's health (CONNECTING, SERVING, DEGRADED,
// STOPPED), last sync, last revision (the ConfigMap's resourceVersion) and
// the counts of applied, rejected, restart-required and ignored names.
func (i *Informer) Status() flagz.SourceStatus { return i.src.Status() }

// LastReport returns what became of each key in the last snapshot handed to
// the engine (the first load, or the last change), or nil before the first.
func (i *Informer) LastReport() flagz.Report {
	if r := i.lastReport.Load(); r != nil {
		return *r
	}
	return nil
}

// Stats counts what the informer saw of its ConfigMap.
type Stats struct {
	Events  uint64 // adds, updates and deletes delivered by the API server
	Batches uint64 // snapshots handed to the engine (initial load included)
	Ignored uint64 // events skipped: same resourceVersion, or same content
}

// Stats returns the informer's event counters.
func (i *Informer) Stats() Stats {
	return Stats{Events: i.events.Load(), Batches: i.batches.Load(), Ignored: i.ignored.Load()}
}

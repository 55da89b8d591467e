package informer

import (
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/source"
	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"
)

// DefaultSyncTimeout bounds how long Initialize waits for the ConfigMap when
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
// data and binaryData to the flags of one flag set. It runs on a
// source.Runtime, which owns its lifecycle: create it with New, then call
// Initialize and Start (or Run); Stop ends it; Status tells its health.
//
// Each key of the ConfigMap is a flag name and its value the flag's text;
// binaryData values are passed as their raw bytes. What Initialize reads is
// the initial load (static flags may be set then); each later change is
// reconciled: keys gone from the ConfigMap return their flags to the
// defaults, and a deleted ConfigMap returns all of them.
type Informer struct {
	rt     *source.Runtime
	origin *apiOrigin
}

// Option configures an Informer. An option given a value it cannot take
// makes New return an error naming it; an option left out keeps its
// default.
type Option func(*config)

type config struct {
	source.Settings
	timeout time.Duration
}

// WithLogger sends the informer's logs and the engine's audit log (one line
// per applied or refused change) to logger (not nil) instead of
// slog.Default().
func WithLogger(logger *slog.Logger) Option {
	return func(c *config) { c.SetLogger(logger) }
}

// WithSourceName names the source in the engine (debug page, metrics, audit
// log; not empty). The default is "configmap-api:<namespace>/<name>".
func WithSourceName(name string) Option {
	return func(c *config) { c.SetName(name) }
}

// WithSyncTimeout bounds how long Initialize, and each later listing, waits
// for the API server (DefaultSyncTimeout otherwise; d must be positive);
// the context given to Initialize may cut it shorter, and Stop ends it.
func WithSyncTimeout(d time.Duration) Option {
	return func(c *config) {
		if d <= 0 {
			c.Refuse(fmt.Sprintf("WithSyncTimeout(%v)", d), errors.New("must be positive"))
			return
		}
		c.timeout = d
	}
}

// WithBackoff bounds the wait between attempts to list the ConfigMap again
// after a failure: it starts at min, doubles after each failure up to max,
// and is jittered; 0 < min <= max. Defaults: source.DefaultMinBackoff and
// source.DefaultMaxBackoff (100ms and 30s), as for every source. The watch
// itself is retried by client-go's reflector, whose backoff also caps at
// 30s.
func WithBackoff(min, max time.Duration) Option {
	return func(c *config) { c.SetBackoff(min, max) }
}

// WithStopTimeout bounds how long Stop waits for the source's goroutines
// when code of the program holds them (a validator that blocks): see
// source.Config.StopTimeout. Default source.DefaultStopTimeout (5s); d
// must be positive.
func WithStopTimeout(d time.Duration) Option {
	return func(c *config) { c.SetStopTimeout(d) }
}

// WithSnapshotFile keeps the last known good values in the file at path
// (see source.Config.SnapshotFile): when the API server cannot be
// reached at start-up, Initialize serves the values saved there.
func WithSnapshotFile(path string) Option {
	return func(c *config) { c.SetSnapshotFile(path) }
}

// New returns an Informer that applies the ConfigMap called name in
// namespace to the flags of fs. Nothing happens until Initialize, Start or
// Run. The client needs get, list and watch on that ConfigMap (see the
// package documentation for the Role).
//
// New returns an error when client is nil, namespace or name is empty, or
// an option is given a value it cannot take (the error names it).
func New[F flagz.FlagSet](fs F, client CoreV1Getter, namespace, name string, opts ...Option) (*Informer, error) {
	switch {
	case client == nil:
		return nil, errors.New("informer: New: the client is nil")
	case namespace == "":
		return nil, errors.New("informer: New: the namespace is empty")
	case name == "":
		return nil, errors.New("informer: New: the ConfigMap name is empty")
	}
	c := config{timeout: DefaultSyncTimeout}
	c.Config = source.Config{Name: "configmap-api:" + namespace + "/" + name}
	for _, opt := range opts {
		opt(&c)
	}
	if err := c.Err(); err != nil {
		return nil, fmt.Errorf("informer: %w", err)
	}
	o := &apiOrigin{client: client, namespace: namespace, name: name, timeout: c.timeout}
	rt, err := source.New(fs, o, c.Config)
	if err != nil {
		return nil, fmt.Errorf("informer: %w", err)
	}
	return &Informer{rt: rt, origin: o}, nil
}

// Stats counts what the informer saw of its ConfigMap.
type Stats struct {
	Events  uint64 // adds, updates and deletes delivered by the API server
	Batches uint64 // changed snapshots handed to the engine after the initial load
	Ignored uint64 // events skipped: same resourceVersion, or same content
}

// Stats returns the informer's event counters.
func (i *Informer) Stats() Stats {
	o := i.origin
	return Stats{Events: o.events.Load(), Batches: o.batches.Load(), Ignored: o.ignored.Load()}
}

// counters are the origin's Stats.
type counters struct {
	events, batches, ignored atomic.Uint64
}

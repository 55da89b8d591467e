package configmap

import (
	"log/slog"
	"time"

	"github.com/flagz-go/flagz/source"
	"github.com/fsnotify/fsnotify"
)

// Defaults of the options.
const (
	// DefaultDirDebounce is how long a directory source waits after the
	// last file-system event of a burst before it reads the directory. The
	// kubelet's swap is atomic, so the wait only gathers the burst.
	DefaultDirDebounce = 10 * time.Millisecond
	// DefaultFileDebounce is how long a file source waits after the last
	// event before it reads the file: files are often written in place, in
	// several writes.
	DefaultFileDebounce = 100 * time.Millisecond
	// DefaultResyncPeriod is how often a source reads its origin even though
	// no event arrived, in case one was missed.
	DefaultResyncPeriod = time.Minute
	// DefaultMaxBackoff caps the wait between two reads of an origin that
	// is missing, unreadable or does not parse.
	DefaultMaxBackoff = 5 * time.Second
	// DefaultMaxSize caps the bytes a source reads: a file, or all the
	// files of a directory together. It is the Kubernetes limit of a
	// ConfigMap (1 MiB).
	DefaultMaxSize = 1 << 20
)

// Option configures a Watcher.
type Option func(*config)

type config struct {
	source    source.Config
	debounce  time.Duration
	maxSize   int64
	transform func(fsnotify.Event) (fsnotify.Event, bool) // tests only: rewrites or drops events
}

// newConfig returns the defaults of a source called name, changed by opts.
func newConfig(name string, debounce time.Duration, opts []Option) config {
	c := config{
		source: source.Config{Name: name, ResyncPeriod: DefaultResyncPeriod,
			MinBackoff: debounce, MaxBackoff: DefaultMaxBackoff},
		debounce: debounce,
		maxSize:  DefaultMaxSize,
	}
	for _, opt := range opts {
		opt(&c)
	}
	return c
}

// WithMaxSize caps the bytes the watcher reads from its origin: the file,
// or the files of the directory together (DefaultMaxSize, 1 MiB, unless
// set; zero or less keeps the default). An origin above the cap is not
// read further and nothing of it is applied: the flags keep their last good
// values and the source is DEGRADED, saying so, until the origin is back
// under the cap.
func WithMaxSize(n int64) Option {
	return func(c *config) {
		if n > 0 {
			c.maxSize = n
		}
	}
}

// WithLogger sends the watcher's logs, and the audit log of its flagz source,
// to logger instead of slog.Default().
func WithLogger(logger *slog.Logger) Option {
	return func(c *config) { c.source.Logger = logger }
}

// WithBackoff bounds the wait between reads of an origin that cannot be
// read: it starts at min, doubles after each failure up to max, and is
// jittered. Defaults: the debounce and DefaultMaxBackoff.
func WithBackoff(min, max time.Duration) Option {
	return func(c *config) { c.source.MinBackoff, c.source.MaxBackoff = min, max }
}

// WithSnapshotFile keeps the last known good values in the file at path
// (see source.Config.SnapshotFile): when the origin cannot be read at
// start-up, Initialize serves the values saved there.
func WithSnapshotFile(path string) Option {
	return func(c *config) { c.source.SnapshotFile = path }
}

// WithDebounce sets how long the watcher waits after the last event of a
// burst before it reads its origin (DefaultDirDebounce or
// DefaultFileDebounce unless set). Every new event restarts the wait, up to
// ten times d in all, so a steady stream of events cannot postpone a read
// forever.
func WithDebounce(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.debounce = d
		}
	}
}

// WithResyncPeriod sets how often the watcher reads its origin without being
// told to, the safety net for missed events (DefaultResyncPeriod unless set).
// A read that finds the same content changes nothing. Zero or less turns the
// periodic read off.
func WithResyncPeriod(d time.Duration) Option {
	return func(c *config) { c.source.ResyncPeriod = max(d, 0) }
}

// WithSourceName names the watcher's flagz source, as shown on the debug
// page, in metrics and in the audit log. The default is "configmap:<dir>"
// for a directory and "file:<path>" for a file.
func WithSourceName(name string) Option {
	return func(c *config) {
		if name != "" {
			c.source.Name = name
		}
	}
}

// withEventTransform lets tests rewrite or drop the events fsnotify
// delivers, to reproduce platforms that report a swap differently.
func withEventTransform(fn func(fsnotify.Event) (fsnotify.Event, bool)) Option {
	return func(c *config) { c.transform = fn }
}

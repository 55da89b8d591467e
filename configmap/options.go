package configmap

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/flagz-go/flagz/source"
	"github.com/fsnotify/fsnotify"
)

// Defaults of the options. The backoff's are every source's:
// source.DefaultMinBackoff and source.DefaultMaxBackoff.
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
	// DefaultMaxSize caps the bytes a source reads: a file, or all the
	// files of a directory together. It is the Kubernetes limit of a
	// ConfigMap (1 MiB).
	DefaultMaxSize = 1 << 20
)

// Option configures a Watcher. An option given a value it cannot take
// makes New or NewFile return an error naming it; an option left out keeps
// its default.
type Option func(*config)

type config struct {
	source.Settings
	debounce  time.Duration
	maxSize   int64
	transform func(fsnotify.Event) (fsnotify.Event, bool) // tests only: rewrites or drops events
	readHook  func()                                      // tests only: runs before each read of the origin
}

// newConfig returns the defaults of a source called name, changed by opts,
// or the first option refused.
func newConfig(name string, debounce time.Duration, opts []Option) (config, error) {
	c := config{debounce: debounce, maxSize: DefaultMaxSize}
	c.Config = source.Config{Name: name, ResyncPeriod: DefaultResyncPeriod}
	for _, opt := range opts {
		opt(&c)
	}
	if err := c.Err(); err != nil {
		return config{}, fmt.Errorf("configmap: %w", err)
	}
	return c, nil
}

// WithMaxSize caps the bytes the watcher reads from its origin: the file,
// or the files of the directory together (DefaultMaxSize, 1 MiB, unless
// set; n must be positive). An origin above the cap is not read further
// and nothing of it is applied: the flags keep their last good values and
// the source is DEGRADED, saying so, until the origin is back under the
// cap.
func WithMaxSize(n int64) Option {
	return func(c *config) {
		if n <= 0 {
			c.Refuse(fmt.Sprintf("WithMaxSize(%d)", n), errNotPositive)
			return
		}
		c.maxSize = n
	}
}

// WithLogger sends the watcher's logs, and the audit log of its flagz source,
// to logger (not nil) instead of slog.Default().
func WithLogger(logger *slog.Logger) Option {
	return func(c *config) { c.SetLogger(logger) }
}

// WithBackoff bounds the wait between reads of an origin that cannot be
// read: it starts at min, doubles after each failure up to max, and is
// jittered; 0 < min <= max. Defaults: source.DefaultMinBackoff and
// source.DefaultMaxBackoff (100ms and 30s), as for every source.
func WithBackoff(min, max time.Duration) Option {
	return func(c *config) { c.SetBackoff(min, max) }
}

// WithStopTimeout bounds how long Stop waits for the watcher's goroutines
// when code of the program holds them (a validator that blocks): see
// source.Config.StopTimeout. Default source.DefaultStopTimeout (5s); d
// must be positive.
func WithStopTimeout(d time.Duration) Option {
	return func(c *config) { c.SetStopTimeout(d) }
}

// WithSnapshotFile keeps the last known good values in the file at path
// (see source.Config.SnapshotFile): when the origin cannot be read at
// start-up, Initialize serves the values saved there.
func WithSnapshotFile(path string) Option {
	return func(c *config) { c.SetSnapshotFile(path) }
}

// WithDebounce sets how long the watcher waits after the last event of a
// burst before it reads its origin (DefaultDirDebounce or
// DefaultFileDebounce unless set; d must be positive). Every new event
// restarts the wait, up to ten times d in all, so a steady stream of events
// cannot postpone a read forever.
func WithDebounce(d time.Duration) Option {
	return func(c *config) {
		if d <= 0 {
			c.Refuse(fmt.Sprintf("WithDebounce(%v)", d), errNotPositive)
			return
		}
		c.debounce = d
	}
}

// WithResyncPeriod sets how often the watcher reads its origin without being
// told to, the safety net for missed events (DefaultResyncPeriod unless set).
// A read that finds the same content changes nothing. Zero turns the
// periodic read off; a negative period is refused.
func WithResyncPeriod(d time.Duration) Option {
	return func(c *config) { c.SetResyncPeriod(d) }
}

// WithSourceName names the watcher's flagz source, as shown on the debug
// page, in metrics and in the audit log (not empty). The default is
// "configmap:<dir>" for a directory and "file:<path>" for a file.
func WithSourceName(name string) Option {
	return func(c *config) { c.SetName(name) }
}

// withEventTransform lets tests rewrite or drop the events fsnotify
// delivers, to reproduce platforms that report a swap differently.
func withEventTransform(fn func(fsnotify.Event) (fsnotify.Event, bool)) Option {
	return func(c *config) { c.transform = fn }
}

// withReadHook runs fn before each read of the origin, on the goroutine of
// the read, so that tests can hold a read as a file system that does not
// answer would.
func withReadHook(fn func()) Option {
	return func(c *config) { c.readHook = fn }
}

var errNotPositive = errors.New("must be positive")

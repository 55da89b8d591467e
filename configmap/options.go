package configmap

import (
	"log/slog"
	"time"

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
)

// Option configures a Watcher.
type Option func(*config)

type config struct {
	logger    *slog.Logger
	debounce  time.Duration
	resync    time.Duration
	name      string
	transform func(fsnotify.Event) (fsnotify.Event, bool) // tests only: rewrites or drops events
}

// WithLogger sends the watcher's logs, and the audit log of its flagz source,
// to logger instead of slog.Default().
func WithLogger(logger *slog.Logger) Option {
	return func(c *config) {
		if logger != nil {
			c.logger = logger
		}
	}
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
	return func(c *config) { c.resync = d }
}

// WithSourceName names the watcher's flagz source, as shown on the debug
// page, in metrics and in the audit log. The default is "configmap:<dir>"
// for a directory and "file:<path>" for a file.
func WithSourceName(name string) Option {
	return func(c *config) {
		if name != "" {
			c.name = name
		}
	}
}

// withEventTransform lets tests rewrite or drop the events fsnotify
// delivers, to reproduce platforms that report a swap differently.
func withEventTransform(fn func(fsnotify.Event) (fsnotify.Event, bool)) Option {
	return func(c *config) { c.transform = fn }
}

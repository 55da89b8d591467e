package watcher

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/flagz-go/flagz/source"
)

// Option configures a Watcher.
type Option func(*options)

type options struct {
	source         source.Config
	probeInterval  time.Duration
	requestTimeout time.Duration
	pageSize       int64
	presence       presenceOptions
}

func defaultOptions(prefix string) options {
	return options{
		source: source.Config{Name: "etcd:" + prefix, Rollback: true,
			MinBackoff: source.DefaultMinBackoff, MaxBackoff: source.DefaultMaxBackoff},
		probeInterval:  10 * time.Second,
		requestTimeout: 5 * time.Second,
		pageSize:       1000,
		presence:       defaultPresenceOptions(),
	}
}

func (o *options) validate() error {
	switch {
	case o.source.MinBackoff <= 0 || o.source.MaxBackoff < o.source.MinBackoff:
		return fmt.Errorf("watcher: backoff bounds must satisfy 0 < min <= max, got min %v, max %v", o.source.MinBackoff, o.source.MaxBackoff)
	case o.probeInterval <= 0 || o.requestTimeout <= 0:
		return fmt.Errorf("watcher: health check interval and timeout must be positive, got %v and %v", o.probeInterval, o.requestTimeout)
	case o.pageSize <= 0:
		return fmt.Errorf("watcher: page size must be positive, got %d", o.pageSize)
	case o.source.Name == "":
		return fmt.Errorf("watcher: source name must not be empty")
	}
	if err := o.presence.validate(); err != nil {
		return err
	}
	if o.source.Logger == nil {
		o.source.Logger = slog.Default()
	}
	return nil
}

// WithLogger sends the watcher's logs, and the audit log of the changes it
// applies, to logger instead of slog.Default().
func WithLogger(logger *slog.Logger) Option {
	return func(o *options) { o.source.Logger = logger }
}

// WithRollback turns rolling back bad values on or off (on by default).
// When on, a value a flag refuses is replaced in etcd by the value this
// process last applied, or deleted if it applied none, in a transaction that
// only succeeds while the bad value is still the latest write. Turn it off
// when processes of different versions share a prefix and may disagree on
// what is valid.
func WithRollback(enabled bool) Option {
	return func(o *options) { o.source.Rollback = enabled }
}

// WithBackoff bounds the wait between attempts to reach etcd again after a
// failure: it starts at min, doubles after each failure up to max, and is
// jittered. Defaults: 100ms and 30s.
func WithBackoff(min, max time.Duration) Option {
	return func(o *options) { o.source.MinBackoff, o.source.MaxBackoff = min, max }
}

// WithSourceName names the source in the audit log, the debug page and
// metrics. Default: "etcd:<prefix>".
func WithSourceName(name string) Option {
	return func(o *options) { o.source.Name = name }
}

// WithSnapshotFile keeps the last known good values in the file at path:
// every applied state is written to it atomically, and Initialize loads it
// when etcd cannot be reached, so the process starts with the values it
// last saw (state DEGRADED) until etcd answers. The file holds values in
// clear text, like etcd does, with permissions 0600: valid UTF-8 as text,
// anything else (binary protobuf, say) as base64, so every value comes
// back byte for byte. A file of another format or another source (see
// WithSourceName) is refused with an error.
func WithSnapshotFile(path string) Option {
	return func(o *options) { o.source.SnapshotFile = path }
}

// WithHealthCheck sets how often the watcher checks that the watch is
// alive (a linearizable read of etcd's revision, and a progress request on
// the watch when etcd is past what the watch delivered), and how long it
// waits for those answers, for the creation of the watch and for any other
// request before it considers etcd unreachable, reports DEGRADED and
// reconnects. Defaults: 10s and 5s. Each check comes at a random point of
// the interval's last fifth (8 to 10 s by default), so that processes
// started together do not read in step. The checks' reads run beside the
// watch: an update that arrives while etcd is slow to answer one is
// applied at once.
func WithHealthCheck(interval, timeout time.Duration) Option {
	return func(o *options) { o.probeInterval, o.requestTimeout = interval, timeout }
}

// WithPageSize sets how many keys each request of a full listing reads
// (default 1000).
func WithPageSize(n int64) Option {
	return func(o *options) { o.pageSize = n }
}

package watcher

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/flagz-go/flagz/source"
)

// Option configures a Watcher. An option given a value it cannot take
// makes New return an error naming it; an option left out keeps its
// default.
type Option func(*options)

type options struct {
	source.Settings
	probeInterval  time.Duration
	requestTimeout time.Duration
	pageSize       int64
	presence       presenceOptions
}

// defaultOptions are the options of a watcher of prefix: every source's
// backoff (source.DefaultMinBackoff, source.DefaultMaxBackoff), set here
// because the presence record's writer backs off within them too.
func defaultOptions(prefix string) options {
	o := options{
		probeInterval:  10 * time.Second,
		requestTimeout: 5 * time.Second,
		pageSize:       1000,
		presence:       defaultPresenceOptions(),
	}
	o.Config = source.Config{Name: "etcd:" + prefix, Rollback: true, Logger: slog.Default(),
		MinBackoff: source.DefaultMinBackoff, MaxBackoff: source.DefaultMaxBackoff}
	return o
}

// validate returns the first option refused, or what the options refuse
// together.
func (o *options) validate() error {
	if err := o.Err(); err != nil {
		return fmt.Errorf("watcher: %w", err)
	}
	if err := o.presence.validate(); err != nil {
		return fmt.Errorf("watcher: %w", err)
	}
	return nil
}

// WithLogger sends the watcher's logs, and the audit log of the changes it
// applies, to logger (not nil) instead of slog.Default().
func WithLogger(logger *slog.Logger) Option {
	return func(o *options) { o.SetLogger(logger) }
}

// WithRollback turns rolling back bad values on or off (on by default).
// When on, the write of a value a flag refuses is undone in etcd: the key
// gets back the value it held before, or is deleted if it did not exist,
// in a transaction that only succeeds while the bad value is still the
// latest write (see the package documentation, Rollback). Turn it off
// when processes of different versions share a prefix and may disagree on
// what is valid.
func WithRollback(enabled bool) Option {
	return func(o *options) { o.Config.Rollback = enabled }
}

// WithBackoff bounds the wait between attempts to reach etcd again after a
// failure: it starts at min, doubles after each failure up to max, and is
// jittered; 0 < min <= max. Defaults: source.DefaultMinBackoff and
// source.DefaultMaxBackoff (100ms and 30s), as for every source.
func WithBackoff(min, max time.Duration) Option {
	return func(o *options) { o.SetBackoff(min, max) }
}

// WithStopTimeout bounds how long Stop waits for the watcher's goroutines
// when code of the program holds them (a validator that blocks): see
// source.Config.StopTimeout. Default source.DefaultStopTimeout (5s); d
// must be positive.
func WithStopTimeout(d time.Duration) Option {
	return func(o *options) { o.SetStopTimeout(d) }
}

// WithSourceName names the source in the audit log, the debug page and
// metrics (not empty). Default: "etcd:<prefix>".
func WithSourceName(name string) Option {
	return func(o *options) { o.SetName(name) }
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
	return func(o *options) { o.SetSnapshotFile(path) }
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
// applied at once. Both must be positive.
func WithHealthCheck(interval, timeout time.Duration) Option {
	return func(o *options) {
		if interval <= 0 || timeout <= 0 {
			o.Refuse(fmt.Sprintf("WithHealthCheck(%v, %v)", interval, timeout), errors.New("the interval and the timeout must be positive"))
			return
		}
		o.probeInterval, o.requestTimeout = interval, timeout
	}
}

// WithPageSize sets how many keys each request of a full listing reads
// (default 1000; n must be positive).
func WithPageSize(n int64) Option {
	return func(o *options) {
		if n <= 0 {
			o.Refuse(fmt.Sprintf("WithPageSize(%d)", n), errors.New("must be positive"))
			return
		}
		o.pageSize = n
	}
}

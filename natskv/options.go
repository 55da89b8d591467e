package natskv

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/flagz-go/flagz/source"
)

// Option configures a Source. An option given a value it cannot take
// makes New return an error naming it; an option left out keeps its
// default.
type Option func(*options)

type options struct {
	source.Settings
	prefix            string
	interval, timeout time.Duration
}

func defaultOptions() options {
	return options{interval: 5 * time.Second, timeout: 2 * time.Second, Settings: source.Settings{Config: source.Config{Rollback: true}}}
}

// WithPrefix makes the flags the keys <prefix><Key(name)> of the bucket;
// other keys are skipped (the source still reads them: it watches the
// whole bucket to see every revision). A prefix is key characters
// ([-/_=.a-zA-Z0-9]) that do not start with a dot or hold two in a row,
// such as "myservice." or "myservice/". It also names the source
// "nats:<bucket>/<prefix>" unless WithSourceName does.
func WithPrefix(prefix string) Option {
	return func(o *options) {
		if prefix == "" || prefix[0] == '.' || strings.Contains(prefix, "..") || strings.Trim(prefix, keyChars) != "" {
			o.Refuse(fmt.Sprintf("WithPrefix(%q)", prefix), errors.New("a prefix is key characters [-/_=.a-zA-Z0-9], without a leading dot or two dots in a row"))
			return
		}
		o.prefix = prefix
	}
}

// WithHealthCheck sets how often the source asks JetStream for the
// bucket's state, and how long it waits for that answer, for any other
// request and for a revision the bucket holds to arrive on the watch,
// before it reports DEGRADED and lists again (defaults 5s and 2s; both
// positive).
func WithHealthCheck(interval, timeout time.Duration) Option {
	return func(o *options) {
		if interval <= 0 || timeout <= 0 {
			o.Refuse(fmt.Sprintf("WithHealthCheck(%v, %v)", interval, timeout), errors.New("the interval and the timeout must be positive"))
			return
		}
		o.interval, o.timeout = interval, timeout
	}
}

// WithRollback turns rolling back refused values on or off (on by
// default; see the package documentation).
func WithRollback(enabled bool) Option { return func(o *options) { o.Config.Rollback = enabled } }

// WithLogger sends the source's logs, and the audit log of its changes, to
// logger (not nil) instead of slog.Default().
func WithLogger(logger *slog.Logger) Option { return func(o *options) { o.SetLogger(logger) } }

// WithBackoff bounds the wait between attempts to reach JetStream again
// after a failure (0 < min <= max; source.DefaultMinBackoff and
// source.DefaultMaxBackoff by default).
func WithBackoff(min, max time.Duration) Option { return func(o *options) { o.SetBackoff(min, max) } }

// WithStopTimeout bounds how long Stop waits for the source's goroutines
// when code of the program holds them (a validator that blocks): see
// source.Config.StopTimeout. Default source.DefaultStopTimeout (5s); d
// must be positive.
func WithStopTimeout(d time.Duration) Option { return func(o *options) { o.SetStopTimeout(d) } }

// WithSourceName names the source in the audit log, the debug page and
// metrics (not empty; "nats:<bucket>" by default).
func WithSourceName(name string) Option { return func(o *options) { o.SetName(name) } }

// WithSnapshotFile keeps the last known good values in the file at path,
// which Initialize loads when JetStream cannot be reached (see
// source.Config.SnapshotFile).
func WithSnapshotFile(path string) Option { return func(o *options) { o.SetSnapshotFile(path) } }

// WithResyncPeriod lists the bucket again that often while following it
// (off by default): the safety net against changes no revision shows
// (see docs/nats.md).
func WithResyncPeriod(d time.Duration) Option { return func(o *options) { o.SetResyncPeriod(d) } }

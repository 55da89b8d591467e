package source

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Config is what every source is configured with, whatever its
// origin. Each source package's options set it (see Settings).
type Config struct {
	// Name names the source in the audit log, on the debug page and in
	// metrics. Two sources running on one flag set need different names.
	Name string
	// Logger receives the source's logs and the audit log of its changes;
	// nil means slog.Default().
	Logger *slog.Logger
	// MinBackoff and MaxBackoff bound the wait between attempts to reach
	// the origin again after a failure: it starts at MinBackoff, doubles
	// after each failure up to MaxBackoff, and is jittered. Zero means
	// DefaultMinBackoff and DefaultMaxBackoff.
	MinBackoff, MaxBackoff time.Duration
	// ResyncPeriod, if positive, makes the runtime list the origin again
	// that often while following it, the safety net of origins whose
	// change events can be lost (file-system notifications).
	ResyncPeriod time.Duration
	// SnapshotFile, if set, keeps the last known good values in that file:
	// each applied state is saved atomically, byte for byte, and when
	// Initialize cannot list the origin it loads the file instead (the
	// source is then DEGRADED until the origin answers). It holds values in
	// clear text, with permissions 0600. While the file cannot be written,
	// the source has the problem ProblemSnapshot (see SetProblem) and the
	// runtime tries again with its backoff; the flags keep their values.
	SnapshotFile string
	// Rollback makes the runtime undo, in the origin, a write a flag
	// refused, when the origin can (a WriteBacker): see WriteBacker.
	Rollback bool
	// StopTimeout bounds how long Stop waits for the source's goroutines.
	// Stop ends at once what the source does itself (listing, following,
	// backing off); what can outlast it is code that does not return: a
	// batch waiting on a validator of the program (or a parser of its own,
	// or the Set of a flag.Value), an origin that ignores its context. Once
	// the time is up Stop returns without them, logging a warning: the
	// source is STOPPED, its status says it stopped without its goroutine
	// and what the batch waits on (SourceStatus.Waiting), and that
	// goroutine, which cannot be killed, finishes its batch (whose values
	// then apply, the origin's later changes do not) and exits once the
	// code returns; until then Initialize and Start return ErrRunning. Zero
	// means DefaultStopTimeout.
	StopTimeout time.Duration
}

// The backoff every source uses unless told otherwise, the same for every
// origin. The cap is what matters: it bounds both how long a source takes
// to notice that its origin is back and how hard a fleet of processes
// knocks on an origin that is down. The second weighs more, because an
// origin shared by a fleet (etcd, the Kubernetes API server) is the one
// that must not be hammered while it recovers: 30 s is the cap of
// client-go's reflector, which retries the informer source's watch, so
// that source's listings and watches back off alike. An origin read
// locally (a file, a mounted ConfigMap) costs nothing to retry, but it
// fails only on an operator's mistake (a file that does not parse, a
// directory that is gone), whose fix takes longer than the wait; a service
// that wants it sooner passes WithBackoff.
const (
	DefaultMinBackoff = 100 * time.Millisecond
	DefaultMaxBackoff = 30 * time.Second
)

// DefaultStopTimeout is how long Stop waits for a source's goroutines
// unless told otherwise (Config.StopTimeout). Stop takes milliseconds when
// nothing waits on the program; the bound only matters when something
// does (a validator that blocks), and then it is how long the program's
// own shutdown is held up: a small part of the 30 s a Kubernetes pod is
// given to stop, yet long enough that a busy machine never makes a Stop
// that would have finished give up.
const DefaultStopTimeout = 5 * time.Second

// validate fills the defaults of c and reports the first setting a Runtime
// cannot take, naming its field.
func (c *Config) validate() error {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Name == "" {
		return errors.New("flagz: source: Config.Name is empty: a source needs a name")
	}
	if c.MinBackoff == 0 {
		c.MinBackoff = DefaultMinBackoff
	}
	if c.MaxBackoff == 0 {
		c.MaxBackoff = max(DefaultMaxBackoff, c.MinBackoff)
	}
	if err := checkBackoff(c.MinBackoff, c.MaxBackoff); err != nil {
		return fmt.Errorf("flagz: source %q: Config.MinBackoff %v, MaxBackoff %v: %w", c.Name, c.MinBackoff, c.MaxBackoff, err)
	}
	if c.ResyncPeriod < 0 {
		return fmt.Errorf("flagz: source %q: Config.ResyncPeriod %v: %w", c.Name, c.ResyncPeriod, errNegative)
	}
	if c.StopTimeout < 0 {
		return fmt.Errorf("flagz: source %q: Config.StopTimeout %v: %w", c.Name, c.StopTimeout, errNegative)
	}
	if c.StopTimeout == 0 {
		c.StopTimeout = DefaultStopTimeout
	}
	return nil
}

var errNegative = errors.New("negative")

// checkBackoff is the rule of the backoff bounds, for Config and the
// sources' WithBackoff alike.
func checkBackoff(min, max time.Duration) error {
	if min <= 0 || max < min {
		return errors.New("the bounds must satisfy 0 < min <= max")
	}
	return nil
}

package source

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Settings are what a source package's options set: the Config every
// source shares, and the first option the source refuses. A source
// package's options type embeds Settings, and its options of the shared
// settings call the methods below, so that every source takes the same
// values, leaves the same defaults (those of Config: an option left out
// keeps its default) and refuses the same values, with an error naming the
// option:
//
//	type options struct {
//		source.Settings
//		timeout time.Duration
//	}
//
//	func WithBackoff(min, max time.Duration) Option {
//		return func(o *options) { o.SetBackoff(min, max) }
//	}
//
// The constructor returns Err, if any, before it calls New.
type Settings struct {
	Config Config
	err    error
}

// Refuse records that option was given a value the source cannot take, and
// why. Only the first refusal is kept: Err returns it.
func (s *Settings) Refuse(option string, reason error) {
	if s.err == nil {
		s.err = fmt.Errorf("%s: %w", option, reason)
	}
}

// Err returns the first refusal, or nil.
func (s *Settings) Err() error { return s.err }

// SetName sets Config.Name (the sources' WithSourceName); an empty name is
// refused.
func (s *Settings) SetName(name string) {
	if name == "" {
		s.Refuse("WithSourceName", errors.New("the name is empty"))
		return
	}
	s.Config.Name = name
}

// SetLogger sets Config.Logger (the sources' WithLogger); nil is refused.
func (s *Settings) SetLogger(logger *slog.Logger) {
	if logger == nil {
		s.Refuse("WithLogger", errors.New("the logger is nil"))
		return
	}
	s.Config.Logger = logger
}

// SetBackoff sets Config.MinBackoff and MaxBackoff (the sources'
// WithBackoff): 0 < min <= max is required.
func (s *Settings) SetBackoff(min, max time.Duration) {
	if err := checkBackoff(min, max); err != nil {
		s.Refuse(fmt.Sprintf("WithBackoff(%v, %v)", min, max), err)
		return
	}
	s.Config.MinBackoff, s.Config.MaxBackoff = min, max
}

// SetSnapshotFile sets Config.SnapshotFile (the sources'
// WithSnapshotFile); an empty path is refused.
func (s *Settings) SetSnapshotFile(path string) {
	if path == "" {
		s.Refuse("WithSnapshotFile", errors.New("the path is empty"))
		return
	}
	s.Config.SnapshotFile = path
}

// SetResyncPeriod sets Config.ResyncPeriod (the sources'
// WithResyncPeriod): zero turns the periodic listing off, a negative period
// is refused.
func (s *Settings) SetResyncPeriod(d time.Duration) {
	if d < 0 {
		s.Refuse(fmt.Sprintf("WithResyncPeriod(%v)", d), errNegative)
		return
	}
	s.Config.ResyncPeriod = d
}

// SetStopTimeout sets Config.StopTimeout (the sources' WithStopTimeout):
// how long Stop waits for the source's goroutines; d must be positive.
func (s *Settings) SetStopTimeout(d time.Duration) {
	if d <= 0 {
		s.Refuse(fmt.Sprintf("WithStopTimeout(%v)", d), errors.New("the timeout must be positive"))
		return
	}
	s.Config.StopTimeout = d
}

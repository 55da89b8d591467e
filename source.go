package flagz

import (
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"
)

// State is the health of a source.
type State int

// The states of a source.
const (
	StateConnecting State = iota // not yet loaded
	StateServing                 // loaded and following changes
	StateDegraded                // cut off from its origin; the last good values stay
	StateStopped                 // stopped by its owner
)

var stateNames = [...]string{"CONNECTING", "SERVING", "DEGRADED", "STOPPED"}

func (s State) String() string {
	if s < 0 || int(s) >= len(stateNames) {
		return "INVALID"
	}
	return stateNames[s]
}

// SourceStatus is a source's health and counters at one moment.
type SourceStatus struct {
	Name         string
	State        State
	Since        time.Time // when State was entered
	Err          string    // why the source is DEGRADED or CONNECTING, if it knows
	LastSync     time.Time // when the source last delivered a batch or confirmed it is current
	LastRevision int64     // the origin's revision at LastSync (etcd revision, resourceVersion, …)

	Applied, Rejected, RestartRequired, Ignored uint64
}

// Source is a handle through which one origin of values (an etcd prefix, a
// ConfigMap, a file, the debug page) changes flags. A source only turns its
// events into batches: "set these names to these strings" (Load, Reconcile,
// Update) or "these names are gone" (Remove). The engine applies them under
// the same rules for every source and keeps the source's status.
type Source struct {
	e      *Engine
	name   string
	logger *slog.Logger

	// Guarded by e.mu.
	held    map[string]string // every name the origin holds, with its text
	applied map[string]string // the text last applied (or found already in place) per name
	status  SourceStatus
}

// SourceOption configures a Source.
type SourceOption func(*Source)

// WithLogger sends the source's audit log (one line per applied change,
// rejection, restart-required or unknown name) to logger instead of
// slog.Default().
func WithLogger(logger *slog.Logger) SourceOption {
	return func(s *Source) {
		if logger != nil {
			s.logger = logger
		}
	}
}

// Source returns the source called name, registering it on first use in
// state CONNECTING. Options apply on every call.
func (e *Engine) Source(name string, opts ...SourceOption) *Source {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.sources[name]
	if s == nil {
		s = &Source{e: e, name: name, logger: slog.Default(),
			held: map[string]string{}, applied: map[string]string{},
			status: SourceStatus{Name: name, State: StateConnecting, Since: time.Now()}}
		e.sources[name] = s
	}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// Name returns the source's name.
func (s *Source) Name() string { return s.name }

// Load applies the origin's first full snapshot. Static flags may be set
// only here. Names the source held before and that are missing now return to
// their defaults.
func (s *Source) Load(revision int64, values map[string]string) Report {
	return s.run(revision, values, nil, true, true)
}

// Reconcile applies a full snapshot taken after start-up, for instance
// after a reconnect: changed names are applied, names gone from the origin
// return to their defaults.
func (s *Source) Reconcile(revision int64, values map[string]string) Report {
	return s.run(revision, values, nil, false, true)
}

// Update applies changed names; names it does not mention are left alone.
func (s *Source) Update(revision int64, values map[string]string) Report {
	return s.run(revision, values, nil, false, false)
}

// Remove returns the named flags to their defaults: the origin no longer
// holds them.
func (s *Source) Remove(revision int64, names ...string) Report {
	return s.run(revision, nil, names, false, false)
}

// SetState records the source's health; err says why it is not SERVING (nil
// clears it).
func (s *Source) SetState(state State, err error) {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	if s.status.State != state {
		s.status.State, s.status.Since = state, time.Now()
	}
	s.status.Err = ""
	if err != nil {
		s.status.Err = err.Error()
	}
}

// Synced records that the source is current with its origin at revision,
// even though nothing changed (an etcd progress notification, a resync that
// found the same content).
func (s *Source) Synced(revision int64) {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	s.syncedLocked(revision)
}

// Status returns the source's health and counters.
func (s *Source) Status() SourceStatus {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	return s.status
}

// LastApplied returns the text this source last applied to the flag called
// name (or found the flag already holding), if any. The etcd watcher writes
// it back over a bad value.
func (s *Source) LastApplied(name string) (string, bool) {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	v, ok := s.applied[name]
	return v, ok
}

// Applied returns a copy of LastApplied for every name, read in one step:
// what a last-known-good snapshot of this source holds.
func (s *Source) Applied() map[string]string {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	return maps.Clone(s.applied)
}

// Held returns a copy of every name the source holds, with its text.
func (s *Source) Held() map[string]string {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	return maps.Clone(s.held)
}

func (s *Source) run(rev int64, values map[string]string, removed []string, initial, full bool) Report {
	e := s.e
	e.mu.Lock()
	defer e.mu.Unlock()
	if full {
		for name := range s.held {
			if _, ok := values[name]; !ok {
				removed = append(removed, name)
			}
		}
	}
	report := make(Report, 0, len(values)+len(removed))
	for _, name := range slices.Sorted(maps.Keys(values)) {
		value := values[name]
		o := e.applyLocked(s, rev, name, value, initial)
		s.held[name] = value
		if o.Result == Applied || o.Result == Unchanged {
			s.applied[name] = value
		}
		report = append(report, s.recordLocked(rev, o))
	}
	for _, name := range removed {
		o := e.removeLocked(s, rev, name, initial)
		delete(s.held, name)
		delete(s.applied, name)
		report = append(report, s.recordLocked(rev, o))
	}
	slices.SortStableFunc(report, func(a, b Outcome) int { return strings.Compare(a.Flag, b.Flag) })
	s.syncedLocked(rev)
	return report
}

func (s *Source) syncedLocked(rev int64) {
	s.status.LastSync = time.Now()
	if rev != 0 {
		s.status.LastRevision = rev
	}
}

// recordLocked counts an outcome and writes it to the audit log.
func (s *Source) recordLocked(rev int64, o Outcome) Outcome {
	s.e.countLocked(s, o)
	attrs := []any{"flag", o.Flag, "source", s.name, "revision", rev}
	switch o.Result {
	case Applied:
		s.status.Applied++
		c := s.e.records[o.Flag].lastChange
		s.logger.Info("flagz: flag changed", append(attrs, "old", c.Old, "new", c.New, "removed", c.Removed)...)
	case Rejected:
		s.status.Rejected++
		s.logger.Warn("flagz: value rejected, last good value kept", append(attrs, "value", o.Value, "reason", reason(o.Err))...)
	case RestartRequired:
		s.status.RestartRequired++
		s.logger.Warn("flagz: static flag changed, restart required", append(attrs, "value", o.Value)...)
	case Unknown:
		s.status.Ignored++
		s.logger.Info("flagz: no flag with this name, ignored", attrs...)
	}
	return o
}

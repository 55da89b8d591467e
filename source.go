package flagz

import (
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/flagz-go/flagz/record"
)

// Source is a handle through which one origin of values (an etcd prefix, a
// ConfigMap, a file, the debug page) changes flags. A source only turns its
// events into batches: "the origin holds exactly these names with these
// strings" (Load at start-up, Replace later), "these names changed"
// (Update) or "these names are gone" (Remove). The engine applies them under
// the same rules for every source and keeps the source's status:
//
//   - The source's first Load is its initial load: static flags may be set
//     then, and only then. Any later full snapshot, Load or Replace, is a
//     reconcile: changed names are applied and names the source held
//     before and lacks now return to their defaults. A source whose first
//     full snapshot is a Replace (it could not load at start-up) never sets
//     static flags: the program has read them already.
//   - A static flag changed after the initial load is not applied and is
//     reported RestartRequired; a static flag given on the command line
//     keeps that value (CommandLine).
//   - A value a flag refuses is reported Rejected; the flag keeps its last
//     good value. A name no flag has is reported Unknown.
//
// Batches of one source are applied one at a time; batches of different
// sources may run at once, each flag's changes in the order they happen.
// Sources that follow an origin run on a Runtime, which does all of this
// for them; Engine.Source serves writers that run no origin of their own.
type Source struct {
	e    *Engine
	name string

	owner  any  // the Runtime holding the name, nil when none does (guarded by e.mu)
	shared bool // made by Engine.Source: never claimed by a Runtime (guarded by e.mu)
	// explicit: the source stands for what the person starting the
	// process chose, as the command line does (the environment, package
	// env): it leaves flags given on the command line alone, and the
	// values it applies are given for the other sources (see cmdline.go).
	// Set through internal/link before the source's first batch.
	explicit bool

	mu     sync.Mutex // one batch at a time; guards the fields below
	logger *slog.Logger
	loaded bool // the initial load happened
	// held is every name the origin holds. heldMu guards its writes (made
	// under mu too) against the readers of the debug page, which do not
	// take mu.
	heldMu sync.RWMutex
	held   map[string]heldValue
	// by is who made the changes of revision byRev, and why (Attribute).
	by    map[string]record.Attribution
	byRev int64

	stMu         sync.Mutex
	own          ownState     // the state the owner set (guarded by stMu)
	waiting      *record.Wait // what the batch in progress waits on, once seen (guarded by stMu)
	watch        waitWatch    // the batch in progress (see batchwait.go)
	status       record.SourceStatus
	states       []record.StateSpan                    // never modified, replaced (guarded by stMu)
	ignoredNames []record.IgnoredName                  // never modified, replaced (guarded by stMu)
	snapshot     atomic.Pointer[record.SnapshotOrigin] // set while the values come from the snapshot file
	problems     []record.Problem                      // never modified, replaced (guarded by stMu; problems.go)
}

func newSource(e *Engine, name string) *Source {
	now := time.Now()
	s := &Source{e: e, name: name, logger: slog.Default(),
		held:   map[string]heldValue{},
		own:    ownState{state: record.StateConnecting},
		status: record.SourceStatus{Name: name, State: record.StateConnecting, Since: now},
		states: []record.StateSpan{{State: record.StateConnecting, Since: now}}}
	s.newWaitTimer()
	return s
}

// Source returns the source called name, registering it on first use in
// state CONNECTING. It serves writers that run no origin of their own, such
// as the debug page's setter and ReadFileFlags: every caller with the name
// shares the one Source. Its audit log (one line per applied change,
// rejection, restart-required or command-line value, and one per batch for
// unknown names) goes to logger, or slog.Default() when logger is nil; the
// last non-nil logger given wins. A source runtime (package source) cannot
// claim a name used here.
func (e *Engine) Source(name string, logger *slog.Logger) *Source {
	e.mu.Lock()
	s := e.sources[name]
	if s == nil {
		s = newSource(e, name)
		e.sources[name] = s
	}
	s.shared = true
	e.mu.Unlock()
	if logger != nil {
		s.mu.Lock()
		s.logger = logger
		s.mu.Unlock()
	}
	return s
}

// claim gives the source called name to owner alone, registering it on
// first use. A source keeps what it held and whether it loaded across
// owners, so a second run under the same name reconciles.
func (e *Engine) claim(name string, owner any, logger *slog.Logger, errNameInUse error) (*Source, error) {
	e.mu.Lock()
	s := e.sources[name]
	switch {
	case s == nil:
		s = newSource(e, name)
		e.sources[name] = s
	case s.shared:
		e.mu.Unlock()
		return nil, fmt.Errorf("%w: %q is written through Engine.Source", errNameInUse, name)
	case s.owner != nil && s.owner != owner:
		e.mu.Unlock()
		return nil, fmt.Errorf("%w: another source running on flag set %q is called %q", errNameInUse, e.Name(), name)
	}
	s.owner = owner
	e.mu.Unlock()
	s.mu.Lock()
	s.logger = logger
	s.mu.Unlock()
	return s, nil
}

// release lets another owner claim the source.
func (e *Engine) release(s *Source, owner any) {
	e.mu.Lock()
	if s.owner == owner {
		s.owner = nil
	}
	e.mu.Unlock()
}

// Name returns the source's name.
func (s *Source) Name() string { return s.name }

// Load applies the full snapshot read at start-up: the origin holds exactly
// values. The source's first Load is its initial load, when static flags
// may be set; any later one reconciles, as Replace does.
func (s *Source) Load(revision int64, values map[string]string) Report {
	return s.apply(batch{rev: revision, values: values, full: true, load: true})
}

// Replace applies a full snapshot taken after start-up (after a gap, or
// from an origin that sees only whole versions): the origin holds exactly
// values. Changed names are applied; names gone since the last snapshot
// return to their defaults.
func (s *Source) Replace(revision int64, values map[string]string) Report {
	return s.apply(batch{rev: revision, values: values, full: true})
}

// Update applies changed names; names it does not mention are left alone.
func (s *Source) Update(revision int64, values map[string]string) Report {
	return s.apply(batch{rev: revision, values: values})
}

// Remove returns the named flags to their defaults: the origin no longer
// holds them.
func (s *Source) Remove(revision int64, names ...string) Report {
	return s.apply(batch{rev: revision, removed: names})
}

// SetState records the source's health; err says why it is not SERVING (nil
// clears it). While a batch of the source waits on the program
// (SourceStatus.Waiting), a source set SERVING shows DEGRADED until the
// wait ends.
func (s *Source) SetState(state record.State, err error) {
	s.stMu.Lock()
	s.own = ownState{state: state}
	if err != nil {
		s.own.err = err.Error()
	}
	ev := s.refreshLocked()
	s.stMu.Unlock()
	if ev != nil {
		s.e.publish(*ev)
	}
}

// Synced records that the source is current with its origin at revision,
// even though nothing changed (an etcd progress notification, a resync that
// found the same content). Revision 0 leaves the last revision as it is.
func (s *Source) Synced(revision int64) {
	s.stMu.Lock()
	defer s.stMu.Unlock()
	s.syncedLocked(revision)
}

func (s *Source) syncedLocked(rev int64) {
	s.status.LastSync = time.Now()
	if rev != 0 {
		s.status.LastRevision = rev
	}
}

// Status returns the source's health and counters.
func (s *Source) Status() record.SourceStatus {
	s.stMu.Lock()
	defer s.stMu.Unlock()
	return s.statusLocked()
}

// statusLocked returns the status with its histories. The caller holds
// stMu. The slices are never modified, so they are shared, not copied.
func (s *Source) statusLocked() record.SourceStatus {
	st := s.status
	st.History, st.IgnoredNames, st.Snapshot, st.Problems = s.states, s.ignoredNames, s.snapshot.Load(), s.problems
	return st
}

// isLoaded reports whether the source had its initial load.
func (s *Source) isLoaded() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.loaded
}

// lastApplied returns the text this source last applied to the flag called
// name (or found the flag already holding), if any: what a write-back
// restores over a refused value.
func (s *Source) lastApplied(name string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.held[name]
	return h.applied, h.wasApplied
}

// appliedValues returns a copy of lastApplied for every name, read in one
// step: what a last-known-good snapshot of this source holds.
func (s *Source) appliedValues() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	values := make(map[string]string, len(s.held))
	for name, h := range s.held {
		if h.wasApplied {
			values[name] = h.applied
		}
	}
	return values
}

// heldValue is what a source holds for one name.
type heldValue struct {
	text       string // as the origin holds it
	rev        int64  // the revision of the batch that set text
	applied    string // the text last applied (or found already in place)
	wasApplied bool   // applied is set: some text of this name took effect
}

// batch is one step of a source: a full snapshot, or changed and removed
// names.
type batch struct {
	rev     int64
	values  map[string]string
	removed []string
	full    bool // values is everything the origin holds
	load    bool // read at start-up
}

// Attribute says who made the changes of revision, and why, by flag name:
// the batches of that revision that follow (Update, Remove, Replace)
// record them on the changes and refusals they make
// (record.Change.Author and Comment), cut to MaxAuthorBytes and
// MaxCommentBytes. The first batch of another revision drops them.
func (s *Source) Attribute(revision int64, by map[string]record.Attribution) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.by, s.byRev = by, revision
}

// apply runs one batch in one pass: each name is applied under its flag's
// own lock (the fields of one struct together, as one change of the
// struct), then the source's bookkeeping, counters and audit log follow.
func (s *Source) apply(b batch) Report {
	e := s.e
	e.captureCommandLine()

	s.mu.Lock()
	c := setContext{initial: b.load && !s.loaded, cmdline: e.commandLine(), logger: s.logger}
	if s.explicit {
		c.explicitSource = true
	} else {
		c.explicit = e.explicitValues()
	}
	removed := slices.Clone(b.removed)
	if b.full {
		for name := range s.held {
			if _, ok := b.values[name]; !ok {
				removed = append(removed, name)
			}
		}
	}
	if s.byRev != b.rev {
		s.by = nil
	}
	by := s.by
	report := make(Report, 0, len(b.values)+len(removed))
	names := slices.Sorted(maps.Keys(b.values))
	watch := s.watchBatch(b.rev)
	c.watch = watch
	var groups []groupBatch // names that are struct fields, by struct; nil for most batches
	for i, name := range names {
		watch.step(&names[i])
		value := b.values[name]
		prev, held := s.held[name]
		c.held, c.prev = held, prev.text
		en := e.lookup(name)
		if en != nil && en.group != nil && !c.keepsGiven(name) {
			groups = addGroupItem(groups, groupItem{en: en, name: name, value: value, c: c})
			continue
		}
		report = append(report, s.noteSet(b.rev, name, value, e.set(en, s.name, b.rev, name, value, c)))
	}
	c.held, c.prev = false, ""
	for i, name := range removed {
		watch.step(&removed[i])
		en := e.lookup(name)
		if en != nil && en.group != nil && !c.keepsGiven(name) {
			groups = addGroupItem(groups, groupItem{en: en, name: name, removed: true, c: c})
			continue
		}
		report = append(report, s.noteRemoved(name, e.remove(en, s.name, b.rev, name, c)))
	}
	for _, gb := range groups {
		watch.step(&gb.items[0].name)
		for i, o := range e.applyGroup(s.name, b.rev, gb, c.logger, watch) {
			if it := gb.items[i]; it.removed {
				o = s.noteRemoved(it.name, o)
			} else {
				o = s.noteSet(b.rev, it.name, it.value, o)
			}
			report = append(report, o)
		}
	}
	for _, o := range report {
		e.attribute(o.Flag, s.name, b.rev, by)
	}
	s.endWatch()
	if b.full {
		s.loaded = true
	}
	if s.explicit {
		e.explicitApplied(s.name, b.values, report)
	}
	logger, explicit := s.logger, s.explicit
	s.mu.Unlock()

	slices.SortStableFunc(report, func(a, b Outcome) int { return strings.Compare(a.Flag, b.Flag) })
	e.count(s.name, report)
	s.tally(b.rev, report)
	audit(logger, s.name, b.rev, report, explicit)
	e.publish(Event{Time: time.Now(), Source: s.name, Revision: b.rev, Report: report})
	return report
}

// noteSet records that the origin holds value for name, and what became of
// it (o, which it returns). The caller holds s.mu.
func (s *Source) noteSet(rev int64, name, value string, o Outcome) Outcome {
	prev, held := s.held[name]
	h := prev
	h.text = value
	if !held || prev.text != value {
		h.rev = rev
	}
	if o.Result == record.Applied || o.Result == record.Unchanged {
		h.applied, h.wasApplied = value, true
	}
	s.heldMu.Lock()
	s.held[name] = h
	s.heldMu.Unlock()
	return o
}

// noteRemoved records that the origin no longer holds name, and returns o.
// The caller holds s.mu.
func (s *Source) noteRemoved(name string, o Outcome) Outcome {
	s.heldMu.Lock()
	delete(s.held, name)
	s.heldMu.Unlock()
	return o
}

// tally adds a batch's outcomes to the source's counters and records the
// sync.
func (s *Source) tally(rev int64, report Report) {
	s.stMu.Lock()
	defer s.stMu.Unlock()
	var unknown []string
	for _, o := range report {
		switch o.Result {
		case record.Applied:
			s.status.Applied++
		case record.Rejected:
			s.status.Rejected++
		case record.RestartRequired:
			s.status.RestartRequired++
		case record.Unknown:
			s.status.Ignored++
			if len(unknown) == 2*ignoredNamesLen { // only the last ignoredNamesLen are kept
				unknown = append(unknown[:0], unknown[ignoredNamesLen:]...)
			}
			unknown = append(unknown, o.Flag)
		case record.CommandLine:
			s.status.CommandLine++
		}
	}
	s.ignored(unknown, rev, time.Now())
	s.syncedLocked(rev)
}

// count adds a batch's outcomes to the engine's update counters.
func (e *Engine) count(source string, report Report) {
	for _, o := range report {
		if o.Result == record.Unchanged {
			continue
		}
		flag := o.Flag
		if o.Result == record.Unknown {
			flag = ""
		}
		e.counts.add(updateKey{flag: flag, source: source, result: o.Result})
	}
}

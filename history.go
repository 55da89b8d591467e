package flagz

import (
	"time"

	"github.com/flagz-go/flagz/internal/textcut"
	"github.com/flagz-go/flagz/record"
)

// The bounds of what the engine remembers, so a flapping source or a
// ConfigMap full of unknown names costs a fixed amount of memory.
const (
	// flagHistoryLen is how many changes, rejections and restart-required
	// offers FlagState.History keeps per flag.
	flagHistoryLen = 8
	// stateHistoryLen is how many states SourceStatus.History keeps.
	stateHistoryLen = 16
	// ignoredNamesLen is how many distinct unknown names
	// SourceStatus.IgnoredNames keeps per source.
	ignoredNamesLen = 100
	// ignoredNameMax is the longest unknown name kept, in bytes; a longer
	// one is cut (at a rune boundary) and ends in "…".
	ignoredNameMax = 256
)

// appendBounded returns a new slice holding s then v, keeping the last n
// elements. s is never modified, so readers may keep it.
func appendBounded[T any](s []T, v T, n int) []T {
	if len(s) >= n {
		s = s[len(s)-n+1:]
	}
	out := make([]T, 0, len(s)+1)
	return append(append(out, s...), v)
}

// remember adds an entry to the flag's history. The caller holds en.mu and
// en.commit.
func (en *entry) remember(h record.Change) {
	en.updateRecord(func(r *flagRecord) {
		r.history = appendBounded(r.history, h, flagHistoryLen)
	})
}

// stateChanged closes the current span of the source's state history and
// opens one for state. The caller holds s.stMu.
func (s *Source) stateChanged(state record.State, now time.Time, err string) {
	if n := len(s.states); n > 0 && s.states[n-1].Until.IsZero() {
		s.states = append(s.states[:n-1:n-1], s.states[n-1])
		s.states[n-1].Until = now
	}
	s.states = appendBounded(s.states, record.StateSpan{State: state, Since: now, Err: err}, stateHistoryLen)
}

// stateErr records a new reason for the current state. The caller holds
// s.stMu.
func (s *Source) stateErr(err string) {
	n := len(s.states)
	if n == 0 || s.states[n-1].Err == err {
		return
	}
	states := append([]record.StateSpan(nil), s.states...)
	states[n-1].Err = err
	s.states = states
}

// ignored records names no flag is declared with, the most recent first,
// each once. The caller holds s.stMu.
func (s *Source) ignored(names []string, rev int64, now time.Time) {
	if len(names) == 0 {
		return
	}
	if len(names) > ignoredNamesLen {
		names = names[len(names)-ignoredNamesLen:]
	}
	fresh := make(map[string]bool, len(names))
	out := make([]record.IgnoredName, 0, ignoredNamesLen)
	for i := len(names) - 1; i >= 0; i-- {
		name := cutName(names[i])
		if !fresh[name] {
			fresh[name] = true
			out = append(out, record.IgnoredName{Name: name, Time: now, Revision: rev})
		}
	}
	for _, old := range s.ignoredNames {
		if len(out) == ignoredNamesLen {
			break
		}
		if !fresh[old.Name] {
			out = append(out, old)
		}
	}
	s.ignoredNames = out
}

// cutName bounds an unknown name kept for the debug page.
func cutName(name string) string { return textcut.Cut(name, ignoredNameMax) }

// setSnapshot records (o != nil) that the source serves the values of its
// snapshot file, or (nil) that its origin answered.
func (s *Source) setSnapshot(o *record.SnapshotOrigin) {
	s.snapshot.Store(o)
}

// holding returns what the source holds for the flag called name, and the
// text unredacted, if it holds it.
func (s *Source) holding(name string, sensitive bool) (h record.Holding, text string, ok bool) {
	s.heldMu.RLock()
	held, ok := s.held[name]
	s.heldMu.RUnlock()
	text, rev := held.text, held.rev
	if !ok {
		return record.Holding{}, "", false
	}
	snap := s.snapshot.Load()
	return record.Holding{Source: s.name, Value: redact(text, sensitive), Revision: rev, Snapshot: snap}, text, true
}

// holdsApplied reports whether the text the source holds for the flag
// called name is the text it last applied (or found in place): false once
// the flag refused a later text of the source.
func (s *Source) holdsApplied(name string) bool {
	s.heldMu.RLock()
	held, ok := s.held[name]
	s.heldMu.RUnlock()
	return ok && held.wasApplied && held.applied == held.text
}

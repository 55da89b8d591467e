package flagz

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/flagz-go/flagz/internal/recovery"
	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/schema"
)

// FlagState is what the Engine knows about one flag at one moment. Its
// JSON form is the debug page's (flags[]): tools parse its field names, so
// they do not change.
type FlagState struct {
	Name      string        `json:"name"`
	Type      string        `json:"type"`   // "dyn_int64", …; for static flags pflag's type name, or "" for standard flags
	Syntax    schema.Syntax `json:"syntax"` // how the flag's text is written
	Usage     string        `json:"usage"`
	Dynamic   bool          `json:"dynamic"`
	Sensitive bool          `json:"sensitive"`
	Value     string        `json:"value"` // current value, Redacted for a sensitive flag
	// Description is the value as a person reads it, for values that
	// describe themselves (a method Describe() string, as a rollout has):
	// "25% (salt checkout-v2)". Empty for other values and sensitive flags.
	Description string `json:"description,omitempty"`
	Default     string `json:"default"` // Redacted for a sensitive flag
	Changed     bool   `json:"changed"` // the current value differs from the default

	// CommandLine is the value the flag was given before any source ran (on
	// the command line, usually), Redacted for a sensitive flag; nil when it
	// was not given or no source has run yet. A static flag given there
	// keeps it whatever a source holds; a dynamic one follows its sources.
	CommandLine *string `json:"command_line,omitempty"`

	// Pending lists, by source, values sources hold that the process does
	// not run with: a static flag changed after start-up waits for a
	// restart, or keeps the value given on the command line. A pending
	// restart is not a rejection: it stays until its source holds the
	// running value again, whatever other sources do.
	// Each has Time, and CommandLine or WinsAtRestart set as they apply.
	Pending []record.Holding `json:"pending,omitempty"`

	// HeldBy lists, by source, what each source holds for the flag.
	HeldBy []record.Holding `json:"held_by,omitempty"`

	LastChange    *record.Change `json:"last_change,omitempty"`    // Applied; nil until a source changes the flag
	LastRejection *record.Change `json:"last_rejection,omitempty"` // Rejected; nil until a source offers a value the flag refuses
	// History holds the flag's last changes, rejections and
	// restart-required offers, oldest first (bounded by flagHistoryLen).
	History       []record.Change `json:"history,omitempty"`
	NotifierPanic string          `json:"notifier_panic,omitempty"` // the last panic of one of its notifiers, if any
	// NotifierBehindSince is when the flag's notifiers fell so far behind
	// (one blocks, or is much slower than the changes) that the changes
	// waiting for them are merged: they will get (the value they last saw,
	// the newest value), not every change between. Zero while they keep up.
	NotifierBehindSince time.Time `json:"notifier_behind_since,omitzero"`
}

// Flags returns the state of every flag, sorted by name.
func (e *Engine) Flags() []FlagState {
	var out []FlagState
	e.VisitFlags(func(st *FlagState) bool {
		c := *st
		c.HeldBy = slices.Clone(st.HeldBy) // VisitFlags reuses its array
		out = append(out, c)
		return true
	})
	return out
}

// VisitFlags calls fn with the state of every flag in name order until fn
// returns false. The state is reused between calls, HeldBy's array
// included: copy what fn keeps (HeldBy with slices.Clone). It
// allocates far less than Flags for large flag sets, and fn may write its
// output as it goes: no lock of the engine is held while fn runs, so a slow
// fn delays no update. fn must not call the Engine.
func (e *Engine) VisitFlags(fn func(*FlagState) bool) {
	cmdline := e.commandLine()
	srcs := e.sourcesSorted()
	list := e.sortedFlags()
	defer e.releaseFlags(list)
	var st FlagState
	for _, f := range list.flags {
		e.fillState(&st, e.entryOf(f), cmdline, srcs)
		if !fn(&st) {
			return
		}
	}
}

// Flag returns the state of the flag called name.
func (e *Engine) Flag(name string) (FlagState, bool) {
	cmdline := e.commandLine()
	srcs := e.sourcesSorted()
	e.fsMu.Lock()
	f := e.fs.lookup(name)
	e.fsMu.Unlock()
	if f == nil {
		return FlagState{}, false
	}
	var st FlagState
	e.fillState(&st, e.entryOf(f), cmdline, srcs)
	return st, true
}

// fillState writes the state of en into st, reading the value and the
// record under en.commit, which every change through the engine holds.
func (e *Engine) fillState(st *FlagState, en *entry, cmdline map[string]string, srcs []*Source) {
	en.commit.RLock()
	defer en.commit.RUnlock()
	f := en.flag
	heldBuf := st.HeldBy[:0]
	raw := f.Value.String()
	*st = FlagState{
		Name:      f.Name,
		Type:      f.Value.Type(),
		Usage:     f.Usage,
		Dynamic:   en.dynamic(),
		Sensitive: en.sensitive(),
		Value:     raw,
		Default:   f.DefValue,
	}
	if d := en.dyn; d != nil {
		st.Syntax = d.valueSyntax()
		st.Default = d.defaultString()
		st.Changed = !d.isDefault()
		if err := d.lastNotifierPanic(); err != nil {
			st.NotifierPanic = err.Error()
		}
		if b, ok := d.(interface{ notifierBehindSince() time.Time }); ok {
			st.NotifierBehindSince = b.notifierBehindSince()
		}
	} else {
		st.Changed = st.Value != st.Default
	}
	if v, ok := cmdline[f.Name]; ok {
		st.CommandLine = &v
	}
	if !st.Sensitive {
		st.Description = describe(f.Value)
	}
	if st.Sensitive {
		st.Value, st.Default = Redacted, Redacted
		if st.CommandLine != nil {
			st.CommandLine = &redactedText
		}
	}
	r := en.rec()
	st.LastChange, st.LastRejection, st.History = r.lastChange, r.lastRejection, r.history
	if len(r.pending) > 0 { // slices.Sorted allocates even for no keys
		for _, source := range slices.Sorted(maps.Keys(r.pending)) {
			st.Pending = append(st.Pending, r.pending[source])
		}
		_, explicit := e.explicitValues()[f.Name]
		markWinner(st.Pending, st.CommandLine != nil || explicit)
	}
	st.HeldBy = holdings(heldBuf, srcs, f.Name, raw, st.Sensitive, r.lastChange)
}

// markWinner marks the pending value that will most likely win at the
// next start: none when the command line gives the flag (it wins), else
// the most recent one (the last write wins between sources).
func markWinner(pending []record.Holding, onCommandLine bool) {
	if onCommandLine {
		return
	}
	best := -1
	for i, p := range pending {
		if !p.CommandLine && (best < 0 || p.Time.After(pending[best].Time)) {
			best = i
		}
	}
	if best >= 0 {
		pending[best].WinsAtRestart = true
	}
}

// holdings appends to buf what each source holds for the flag called name,
// whose current text is current. A source's text matches when it is the
// current text, or the text of the source that made the last change, while
// that source holds the text it applied (a JSON value prints differently
// from how a source wrote it; a value refused since is not the running one).
func holdings(buf []record.Holding, srcs []*Source, name, current string, sensitive bool, last *record.Change) []record.Holding {
	var texts [8]string // the held texts of the first holdings, compared below without a second lookup
	var lastText string
	lastHeld := false
	for _, s := range srcs {
		h, text, ok := s.holding(name, sensitive)
		if !ok {
			continue
		}
		if len(buf) < len(texts) {
			texts[len(buf)] = text
		}
		if last != nil && !last.Removed && s.name == last.Source && s.holdsApplied(name) {
			lastText, lastHeld = text, true
		}
		h.Matches = text == current
		buf = append(buf, h)
	}
	if lastHeld {
		for i := range buf {
			text := ""
			if i < len(texts) {
				text = texts[i]
			} else if s := sourceByName(srcs, buf[i].Source); s != nil {
				_, text, _ = s.holding(name, sensitive)
			}
			buf[i].Matches = buf[i].Matches || text == lastText
		}
	}
	if len(buf) == 0 {
		return nil
	}
	return buf
}

// sourceByName returns the source called name among srcs, or nil.
func sourceByName(srcs []*Source, name string) *Source {
	for _, s := range srcs {
		if s.name == name {
			return s
		}
	}
	return nil
}

// sourcesSorted returns the engine's sources sorted by name.
func (e *Engine) sourcesSorted() []*Source {
	e.mu.Lock()
	srcs := slices.Collect(maps.Values(e.sources))
	e.mu.Unlock()
	slices.SortFunc(srcs, func(a, b *Source) int { return strings.Compare(a.name, b.name) })
	return srcs
}

var redactedText = Redacted

// Sources returns the status of every source registered with the engine,
// sorted by name.
func (e *Engine) Sources() []record.SourceStatus {
	e.mu.Lock()
	srcs := slices.Collect(maps.Values(e.sources))
	e.mu.Unlock()
	out := make([]record.SourceStatus, len(srcs))
	for i, s := range srcs {
		out[i] = s.Status()
	}
	slices.SortFunc(out, func(a, b record.SourceStatus) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// FlagSyntax returns how the text of the flag called name is written, and
// whether there is such a flag. Sources turning structured input into flag
// text call it per name; it is cheaper than Flag.
func (e *Engine) FlagSyntax(name string) (schema.Syntax, bool) {
	en := e.lookup(name)
	if en == nil {
		return schema.Text, false
	}
	if en.dyn != nil {
		return en.dyn.valueSyntax(), true
	}
	return schema.Text, true
}

// describe returns the Describe() text of a value that has one; a panic in
// it leaves the description empty. The panic is not logged: a page or a
// scrape asks again and again.
func describe(v any) (text string) {
	d, ok := v.(interface{ Describe() string })
	if !ok {
		return ""
	}
	defer recovery.Site{Op: "Describe"}.Recover(nil)
	return d.Describe()
}

package flagz

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/flagz-go/flagz/internal/recovery"
	"github.com/flagz-go/flagz/record"
	"github.com/spf13/pflag"
)

// setContext is what the engine needs to know about one name of a batch
// besides its value.
type setContext struct {
	initial bool              // the source's initial load: static flags may be set
	held    bool              // the source held the name before this batch
	prev    string            // what it held
	cmdline map[string]string // flags set before any source ran
	// explicit holds the values explicit sources (the environment) set:
	// given like the command line's, for the other sources. Nil for an
	// explicit source's own batches.
	explicit map[string]givenValue
	// explicitSource: the batch is an explicit source's, which leaves a
	// flag given on the command line alone, a dynamic one too.
	explicitSource bool
	logger         *slog.Logger // the source's log, where its changes' notifier panics go
	watch          *batchWatch  // told what the change waits on
}

// givenValue is a value given explicitly before the sources that follow an
// origin ran: on the command line (by is empty) or by an explicit source
// (by is its name).
type givenValue struct{ text, by string }

// redacted returns a copy of v to report, its text redacted for a
// sensitive flag.
func (v givenValue) redacted(sensitive bool) *givenValue {
	return &givenValue{text: redact(v.text, sensitive), by: v.by}
}

// given returns the value the flag called name was given explicitly, if
// it was.
func (c setContext) given(name string) (givenValue, bool) {
	if v, ok := c.cmdline[name]; ok {
		return givenValue{text: v}, true
	}
	if v, ok := c.explicit[name]; ok {
		return v, true
	}
	return givenValue{}, false
}

// keepsGiven reports whether the batch leaves the flag called name alone
// because it is an explicit source's and the flag was given on the command
// line.
func (c setContext) keepsGiven(name string) bool {
	if !c.explicitSource {
		return false
	}
	_, ok := c.cmdline[name]
	return ok
}

// set applies value to the flag of en (nil: no flag is called name), for
// the source called source, under the rules every source shares. A field
// of a struct goes through applyGroup instead, unless it keeps an explicit
// value (the switch below returns before any parsing).
func (e *Engine) set(en *entry, source string, rev int64, name, value string, c setContext) Outcome {
	if en == nil {
		return Outcome{Flag: name, Result: record.Unknown}
	}
	if en.group != nil && !c.keepsGiven(name) {
		return e.applyGroup(source, rev, groupBatch{g: en.group, items: []groupItem{{en: en, name: name, value: value, c: c}}}, c.logger, c.watch)[0]
	}
	c.watch.at(record.WaitFlag)
	en.mu.Lock()
	defer en.mu.Unlock()
	c.watch.at(waitNone)
	sensitive := en.sensitive()
	limit := e.maxSize()
	if en.dyn != nil {
		limit = en.dyn.maxValueSize()
	}
	shown := shownValue(value, sensitive, limit)
	given, onCommandLine := c.given(name)

	if !en.dynamic() || (c.explicitSource && onCommandLine) {
		switch {
		case !c.initial && c.held && c.prev == value:
			// The source repeats what it held: whatever became of it then
			// (applied, restart required, command line) still stands.
			return Outcome{Flag: name, Result: record.Unchanged, Value: shown}
		case onCommandLine:
			if e.staticValue(en) == value {
				e.clearPending(en, source)
				return Outcome{Flag: name, Result: record.Unchanged, Value: shown}
			}
			e.pending(en, record.Holding{Source: source, Revision: rev, Time: time.Now(), Value: shown, CommandLine: true})
			return Outcome{Flag: name, Result: record.CommandLine, Value: shown,
				given: given.redacted(sensitive)}
		case !c.initial:
			if e.staticValue(en) == value {
				e.clearPending(en, source)
				return Outcome{Flag: name, Result: record.Unchanged, Value: shown}
			}
			return e.restartRequired(en, source, rev, shown, "the new value takes effect after a restart")
		}
	}

	var o Outcome
	if en.dyn != nil {
		c.watch.at(record.WaitChecks)
		commit, err := en.dyn.stage(value)
		c.watch.at(waitNone)
		en.commit.Lock()
		if err != nil {
			o = e.settle(en, source, rev, shown, "", "", false, false, err)
		} else {
			old, new, changed := commit(c.logger)
			o = e.settle(en, source, rev, shown, old, new, changed, false, nil)
		}
		en.commit.Unlock()
	} else if overLimit(value, limit) {
		o = e.refuseOversized(en, source, rev, value, shown, limit)
	} else {
		c.watch.at(record.WaitSet)
		o = e.setThroughFlagSet(en, source, rev, value, shown, false)
		c.watch.at(waitNone)
	}
	if o.Result == record.Applied && onCommandLine && !en.overrode {
		en.overrode = true
		o.given = given.redacted(sensitive)
	}
	return o
}

// shownValue is how a value offered to a flag is recorded and reported:
// Redacted for a sensitive flag, cut short when over the size limit (the
// record keeps no copy of it).
func shownValue(value string, sensitive bool, limit int) string {
	if overLimit(value, limit) {
		value = abbreviate(value)
	}
	return redact(value, sensitive)
}

// remove returns the flag of en (nil: no flag is called name) to its
// default because the source called source dropped it; notifier panics go
// to c.logger; c.watch is told what the change waits on.
func (e *Engine) remove(en *entry, source string, rev int64, name string, c setContext) Outcome {
	if en == nil {
		return Outcome{Flag: name, Result: record.Unknown}
	}
	if en.group != nil && !c.keepsGiven(name) {
		return e.applyGroup(source, rev, groupBatch{g: en.group, items: []groupItem{{en: en, name: name, removed: true, c: c}}}, c.logger, c.watch)[0]
	}
	c.watch.at(record.WaitFlag)
	en.mu.Lock()
	defer en.mu.Unlock()
	c.watch.at(waitNone)
	sensitive := en.sensitive()
	_, onCommandLine := c.given(name)
	if c.explicitSource && onCommandLine {
		// The explicit source never set it: the command line's value stays.
		e.clearPending(en, source)
		return Outcome{Flag: name, Result: record.Unchanged, Value: redact(e.staticValue(en), sensitive), Removed: true}
	}
	if en.dyn != nil {
		en.commit.Lock()
		defer en.commit.Unlock()
		old, new, changed := en.dyn.reset(c.logger)
		o := e.settle(en, source, rev, redact(en.dyn.defaultString(), sensitive), old, new, changed, true, nil)
		o.Removed = true
		return o
	}
	def := en.flag.DefValue
	shown := redact(def, sensitive)
	switch {
	case !en.dynamic() && onCommandLine:
		// The command-line value never gave way to the source's: it stays.
		e.clearPending(en, source)
		return Outcome{Flag: name, Result: record.Unchanged, Value: shown, Removed: true}
	case e.staticValue(en) == def:
		e.clearPending(en, source)
		return Outcome{Flag: name, Result: record.Unchanged, Value: shown, Removed: true}
	case !c.initial && !en.dynamic():
		o := e.restartRequired(en, source, rev, shown, "returning to its default takes effect after a restart")
		o.Removed = true
		return o
	}
	c.watch.at(record.WaitSet)
	o := e.setThroughFlagSet(en, source, rev, def, shown, true)
	c.watch.at(waitNone)
	o.Removed = true
	return o
}

// staticValue reads the text of a flag flagz did not declare. The caller
// holds en.mu, which every change of the flag through the engine holds
// too, so it needs no fsMu: a reader of the whole flag set never delays it.
func (e *Engine) staticValue(en *entry) string {
	return en.flag.Value.String()
}

// setThroughFlagSet sets a flag flagz did not declare through its flag set
// (so that pflag records it as set), turning a panic of a foreign flag.Value
// into an error, and records the outcome. The error of a sensitive flag
// keeps nothing of the flag set's or the Value's error, which quote the
// input (pflag's "invalid argument %q for ..."), only the flag's type.
func (e *Engine) setThroughFlagSet(en *entry, source string, rev int64, value, shown string, removed bool) Outcome {
	e.fsMu.Lock()
	defer e.fsMu.Unlock()
	en.commit.Lock()
	defer en.commit.Unlock()
	f := en.flag
	old := f.Value.String()
	err := setFlag(e.fs, f.Name, value)
	new := f.Value.String()
	if err != nil && new != old {
		// pflag's scalar values store what they parsed (zero) before
		// returning the error: the flag keeps its last good value.
		restoreValue(f.Value, old)
		new = f.Value.String()
	}
	if err != nil {
		var ve *ValueError
		switch {
		case en.sensitive():
			err = &ValueError{Flag: f.Name, Type: f.Value.Type(), Input: Redacted, Kind: ErrParse,
				Reason: sensitiveReason(ErrParse, f.Value.Type(), 0, err)}
		case !errors.As(err, &ve):
			err = &ValueError{Flag: f.Name, Type: f.Value.Type(), Input: value, Kind: ErrParse, Reason: err}
		}
	}
	if old != new {
		e.valueChanged()
	}
	return e.settle(en, source, rev, shown, old, new, old != new, removed, err)
}

// restartRequired reports a change a static flag cannot take while the
// program runs. It is recorded as pending for the source (not as a
// rejection, which another source's refused value would replace), so the
// debug page shows which processes wait for a restart and with what.
func (e *Engine) restartRequired(en *entry, source string, rev int64, shown, why string) Outcome {
	err := fmt.Errorf("flag %q is static: %s", en.flag.Name, why)
	now := time.Now()
	en.commit.Lock()
	defer en.commit.Unlock()
	en.remember(record.Change{Time: now, Source: source, Revision: rev, Result: record.RestartRequired, New: shown, Reason: "static flag: " + why})
	en.setPending(source, &record.Holding{Source: source, Revision: rev, Time: now, Value: shown})
	return Outcome{Flag: en.flag.Name, Result: record.RestartRequired, Value: shown, Err: err}
}

// pending records a value the source holds and the process does not run
// with.
func (e *Engine) pending(en *entry, p record.Holding) {
	en.commit.Lock()
	defer en.commit.Unlock()
	en.setPending(p.Source, &p)
}

// clearPending records that the process runs with what the source holds
// (or the source holds nothing any more).
func (e *Engine) clearPending(en *entry, source string) {
	en.commit.Lock()
	defer en.commit.Unlock()
	en.setPending(source, nil)
}

// settle turns what a flag did with a value into an outcome and records it
// on the flag. The caller holds en.mu and en.commit.
func (e *Engine) settle(en *entry, source string, rev int64, shown, old, new string, changed, removed bool, err error) Outcome {
	sensitive := en.sensitive()
	o := Outcome{Flag: en.flag.Name, Value: shown}
	switch {
	case err != nil:
		o.Result, o.Err = record.Rejected, err
		now := time.Now()
		en.updateRecord(func(r *flagRecord) {
			r.lastRejection = &record.Change{Time: now, Source: source, Revision: rev, Result: record.Rejected, New: shown, Reason: reason(err)}
		})
		en.remember(record.Change{Time: now, Source: source, Revision: rev, Result: record.Rejected, New: shown, Reason: reason(err)})
	case !changed:
		o.Result = record.Unchanged
		en.setPending(source, nil)
	default:
		o.Result = record.Applied
		o.Old, o.New = redact(old, sensitive), redact(new, sensitive)
		now := time.Now()
		en.updateRecord(func(r *flagRecord) {
			r.lastChange = &record.Change{Time: now, Source: source, Revision: rev, Result: record.Applied, Old: o.Old, New: o.New, Removed: removed}
		})
		en.remember(record.Change{Time: now, Source: source, Revision: rev, Result: record.Applied, Old: o.Old, New: o.New, Removed: removed})
		en.setPending(source, nil)
	}
	return o
}

// reason gives the text of why a value was refused, without the flag name
// and input that ValueError adds around it.
func reason(err error) string {
	var ve *ValueError
	if errors.As(err, &ve) {
		return ve.reason()
	}
	return err.Error()
}

func redact(v string, sensitive bool) string {
	if sensitive {
		return Redacted
	}
	return v
}

func ptr[T any](v T) *T { return &v }

// restoreValue sets v back to text, its value before a refused Set,
// directly (the flag set does not record it as set), ignoring an error or
// a panic: a value that cannot take its own text keeps what it has.
func restoreValue(v pflag.Value, text string) {
	defer recovery.Site{Op: "Set"}.Recover(nil)
	_ = v.Set(text)
}

// setFlag sets a flag through its flag set (so pflag records it as set),
// turning a panic of a foreign flag.Value into an error.
func setFlag(fs flagSet, name, value string) (err error) {
	defer recovery.Site{Op: "Set"}.Recover(&err)
	return fs.set(name, value)
}

package flagz

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"
)

// Engine applies changes from every source to one flag set, and remembers
// what it did: the last change and last rejection of each flag, the health
// of each source, and counts of updates. There is one Engine per flag set,
// obtained with EngineFor.
//
// The Engine serialises all of flagz's access to the flag set (pflag's
// VisitAll and Set write shared state), so watchers, the debug handler and
// metric collectors never race each other.
type Engine struct {
	mu      sync.Mutex
	fs      flagSet
	records map[string]*flagRecord
	sources map[string]*Source
	counts  map[UpdateKey]uint64
}

type flagRecord struct {
	lastChange    *Change
	lastRejection *Rejection
}

// Change describes the last change a source made to a flag.
type Change struct {
	Time     time.Time
	Source   string
	Revision int64
	Old, New string // Redacted for a sensitive flag
	Removed  bool   // the source dropped the name and the flag went back to its default
}

// Rejection describes the last value a source offered that a flag refused:
// it did not parse or validate, or the flag is static and the value takes
// effect only after a restart (Reason says which).
type Rejection struct {
	Time     time.Time
	Source   string
	Revision int64
	Value    string // Redacted for a sensitive flag
	Reason   string
}

// UpdateKey identifies a counter of updates: which flag, from which source,
// with what result. Flag is empty for names no flag is declared with, so the
// number of counters is bounded by the declared flags.
type UpdateKey struct {
	Flag   string
	Source string
	Result Result
}

var engines sync.Map // *pflag.FlagSet or *flag.FlagSet -> *Engine

// EngineFor returns the Engine of fs, creating it on first use. Engines live
// as long as the program: flag sets usually do too.
func EngineFor[F FlagSet](fs F) *Engine {
	if e, ok := engines.Load(fs); ok {
		return e.(*Engine)
	}
	e, _ := engines.LoadOrStore(fs, &Engine{
		fs:      adapt(fs),
		records: map[string]*flagRecord{},
		sources: map[string]*Source{},
		counts:  map[UpdateKey]uint64{},
	})
	return e.(*Engine)
}

// Name returns the name that identifies the flag set to operators: the
// debug page's title and the metrics' "set" label. It is the flag set's
// name, with two exceptions that keep it the same for every process of one
// service. A flag set named os.Args[0], as pflag.CommandLine and
// flag.CommandLine are, gives the program's name: the last element of that
// path without a trailing ".exe", so /usr/local/bin/myservice, ./myservice
// and the temporary path `go run` builds in are all "myservice". An empty
// name gives "default".
func (e *Engine) Name() string { return setName(e.fs.name(), os.Args) }

// setName is Engine.Name for a flag set named name in a process started
// with args.
func setName(name string, args []string) string {
	switch {
	case name == "":
		return "default"
	case len(args) > 0 && name == args[0]:
		return strings.TrimSuffix(filepath.Base(name), ".exe")
	default:
		return name
	}
}

// FlagState is what the Engine knows about one flag at one moment.
type FlagState struct {
	Name      string
	Type      string // "dyn_int64", …; for static flags pflag's type name, or "" for standard flags
	Usage     string
	Dynamic   bool
	Sensitive bool
	Value     string // current value, Redacted for a sensitive flag
	Default   string // Redacted for a sensitive flag
	Changed   bool   // the current value differs from the default

	LastChange    *Change    // nil until a source changes the flag
	LastRejection *Rejection // nil until a source offers a value the flag refuses (or, static, cannot take before a restart)
	NotifierPanic string     // the last panic of one of its notifiers, if any
}

// Flags returns the state of every flag, sorted by name, read in one
// consistent step.
func (e *Engine) Flags() []FlagState {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []FlagState
	e.fs.visitAll(func(f *pflag.Flag) { out = append(out, e.stateLocked(f)) })
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Flag returns the state of the flag called name.
func (e *Engine) Flag(name string) (FlagState, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	f := e.fs.lookup(name)
	if f == nil {
		return FlagState{}, false
	}
	return e.stateLocked(f), true
}

func (e *Engine) stateLocked(f *pflag.Flag) FlagState {
	st := FlagState{
		Name:      f.Name,
		Type:      f.Value.Type(),
		Usage:     f.Usage,
		Dynamic:   IsFlagDynamic(f),
		Sensitive: IsFlagSensitive(f),
		Value:     f.Value.String(),
		Default:   f.DefValue,
	}
	if d, ok := f.Value.(dynamicValue); ok {
		st.Default = d.defaultString()
		st.Changed = !d.isDefault()
		if err := d.lastNotifierPanic(); err != nil {
			st.NotifierPanic = err.Error()
		}
	} else {
		st.Changed = st.Value != st.Default
	}
	if st.Sensitive {
		st.Value, st.Default = Redacted, Redacted
	}
	if r := e.records[f.Name]; r != nil {
		st.LastChange, st.LastRejection = r.lastChange, r.lastRejection
	}
	return st
}

// Sources returns the status of every source registered with the engine,
// sorted by name.
func (e *Engine) Sources() []SourceStatus {
	e.mu.Lock()
	srcs := make([]*Source, 0, len(e.sources))
	for _, s := range e.sources {
		srcs = append(srcs, s)
	}
	e.mu.Unlock()
	out := make([]SourceStatus, len(srcs))
	for i, s := range srcs {
		out[i] = s.Status()
	}
	slices.SortFunc(out, func(a, b SourceStatus) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// UpdateCounts returns how many updates each flag received from each source,
// by result. Unchanged results are not counted.
func (e *Engine) UpdateCounts() map[UpdateKey]uint64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make(map[UpdateKey]uint64, len(e.counts))
	for k, v := range e.counts {
		out[k] = v
	}
	return out
}

// applyLocked sets one flag from one source under the rules every source
// shares. initial allows static flags to change.
func (e *Engine) applyLocked(s *Source, rev int64, name, value string, initial bool) Outcome {
	f := e.fs.lookup(name)
	if f == nil {
		return Outcome{Flag: name, Result: Unknown}
	}
	sensitive := IsFlagSensitive(f)
	if d, ok := f.Value.(dynamicValue); ok {
		old, new, changed, err := d.apply(value)
		return e.settle(s, rev, f, value, sensitive, old, new, changed, false, err)
	}
	if !initial && !IsFlagDynamic(f) {
		if prev, held := s.held[name]; (held && prev == value) || f.Value.String() == value {
			return Outcome{Flag: name, Result: Unchanged}
		}
		return e.restartRequiredLocked(s, rev, name, redact(value, sensitive),
			"the new value takes effect after a restart")
	}
	old := f.Value.String()
	err := setFlag(e.fs, name, value)
	if err != nil {
		var ve *ValueError
		if !errors.As(err, &ve) {
			if sensitive {
				err = redactError(err, value)
			}
			err = &ValueError{Flag: name, Type: f.Value.Type(), Input: redact(value, sensitive), Kind: ErrParse, Reason: err}
		}
	}
	new := f.Value.String()
	return e.settle(s, rev, f, value, sensitive, old, new, old != new, false, err)
}

// removeLocked returns a flag to its default because its source dropped it.
func (e *Engine) removeLocked(s *Source, rev int64, name string, initial bool) Outcome {
	f := e.fs.lookup(name)
	if f == nil {
		return Outcome{Flag: name, Result: Unknown}
	}
	sensitive := IsFlagSensitive(f)
	if d, ok := f.Value.(dynamicValue); ok {
		old, new, changed := d.reset()
		return e.settle(s, rev, f, new, sensitive, old, new, changed, true, nil)
	}
	if f.Value.String() == f.DefValue {
		return Outcome{Flag: name, Result: Unchanged}
	}
	if !initial && !IsFlagDynamic(f) {
		return e.restartRequiredLocked(s, rev, name, redact(f.DefValue, sensitive),
			"returning to its default takes effect after a restart")
	}
	old := f.Value.String()
	err := setFlag(e.fs, name, f.DefValue)
	new := f.Value.String()
	return e.settle(s, rev, f, f.DefValue, sensitive, old, new, old != new, true, err)
}

// restartRequiredLocked reports a change a static flag cannot take while
// the program runs. It is recorded as the flag's last rejection, so the
// debug page shows which processes wait for a restart and with what.
func (e *Engine) restartRequiredLocked(s *Source, rev int64, name, shown, why string) Outcome {
	err := fmt.Errorf("flag %q is static: %s", name, why)
	e.recordLocked(name).lastRejection = &Rejection{Time: time.Now(), Source: s.name, Revision: rev,
		Value: shown, Reason: "static flag: " + why}
	return Outcome{Flag: name, Result: RestartRequired, Value: shown, Err: err}
}

func (e *Engine) recordLocked(name string) *flagRecord {
	rec := e.records[name]
	if rec == nil {
		rec = &flagRecord{}
		e.records[name] = rec
	}
	return rec
}

// settle turns what a flag did with a value into an outcome and records it.
func (e *Engine) settle(s *Source, rev int64, f *pflag.Flag, input string, sensitive bool,
	old, new string, changed, removed bool, err error) Outcome {
	now := time.Now()
	rec := e.recordLocked(f.Name)
	out := Outcome{Flag: f.Name, Value: redact(input, sensitive)}
	switch {
	case err != nil:
		out.Result, out.Err = Rejected, err
		rec.lastRejection = &Rejection{Time: now, Source: s.name, Revision: rev, Value: out.Value, Reason: reason(err)}
	case !changed:
		out.Result = Unchanged
	default:
		out.Result = Applied
		rec.lastChange = &Change{Time: now, Source: s.name, Revision: rev,
			Old: redact(old, sensitive), New: redact(new, sensitive), Removed: removed}
	}
	return out
}

func (e *Engine) countLocked(s *Source, o Outcome) {
	if o.Result == Unchanged {
		return
	}
	flag := o.Flag
	if o.Result == Unknown {
		flag = ""
	}
	e.counts[UpdateKey{Flag: flag, Source: s.name, Result: o.Result}]++
}

// reason gives the text of why a value was refused, without the flag name
// and input that ValueError adds around it.
func reason(err error) string {
	var ve *ValueError
	if errors.As(err, &ve) {
		return fmt.Sprintf("%v: %v", ve.Kind, ve.Reason)
	}
	return err.Error()
}

func redact(v string, sensitive bool) string {
	if sensitive {
		return Redacted
	}
	return v
}

// setFlag sets a flag through its flag set (so pflag records it as set),
// turning a panic of a foreign flag.Value into an error.
func setFlag(fs flagSet, name, value string) (err error) {
	defer recoverInto(&err)
	return fs.set(name, value)
}

package flagz

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/flagz-go/flagz/record"

	"github.com/spf13/pflag"
)

// Engine applies changes from every source to one flag set, and remembers
// what it did: the last change and last rejection of each flag, the health
// of each source, and counts of updates. There is one Engine per flag set,
// obtained with EngineFor.
//
// The Engine serialises all of flagz's access to the flag set (pflag's
// VisitAll and Set write shared state), so watchers, the debug handler and
// metric collectors never race each other. Its own locks cover only
// bookkeeping: values are parsed, validated, logged and formatted outside
// them, so a scrape of the metrics or the debug page never delays an update.
type Engine struct {
	fs   flagSet
	fsMu sync.Mutex // serialises flagz's access to fs; readers hold it only to copy the list of flags (locks.go)

	mu      sync.Mutex // guards the fields below
	dynamic []*entry   // every dynamic value declared through flagz, sorted by name when dynSorted
	sorted  bool
	sources map[string]*Source
	sumKey  []byte // key of the keyed hash of sensitive values in checksums

	// entries holds the *entry of each flag by name: a sync.Map, read
	// and written without mu, so that an apply, which looks up its flags
	// (and counts its outcomes in counts), takes no lock a reader of the
	// whole flag set takes (a reader stopped while holding one would stop
	// the apply too).
	entries sync.Map
	counts  updateCounters

	cmdline  atomic.Pointer[map[string]string]     // flags set before any source ran (the command line), once captured
	explicit atomic.Pointer[map[string]givenValue] // values explicit sources (the environment) applied; replaced under mu
	spare    atomic.Pointer[flagList]              // a list of the flags for sortedFlags to fill again
	foreign  atomic.Pointer[foreignFlags]          // the flags flagz did not declare, for the static checksum

	maxValueSize atomic.Int64 // SetMaxValueSize: 0 DefaultMaxValueSize, < 0 none

	version  atomic.Uint64 // moves on every change of a dynamic value, declaration or marking
	dynCache atomic.Pointer[cachedSum]

	subs atomic.Pointer[[]*queue[Event]] // one per subscriber; never modified, replaced under mu
}

// entry is the engine's view of one flag.
type entry struct {
	flag *pflag.Flag
	dyn  dynamicValue // nil for a flag flagz did not declare
	// group is the struct the flag is a field of (DynStruct), nil for
	// other flags: the engine applies a batch's fields of one struct as
	// one change.
	group fieldGroup

	// mu orders the changes of this flag made through the engine, parsing
	// included.
	mu       sync.Mutex
	overrode bool // a source overrode the command-line value (warned once)
	// commit is held while a change takes effect and is recorded, and by
	// readers of the value and the record, which so always agree. For a
	// flag flagz did not declare it is taken after the engine's fsMu.
	commit sync.RWMutex

	record atomic.Pointer[flagRecord] // immutable; replaced under mu
}

// flagRecord is what the engine remembers of one flag's changes.
type flagRecord struct {
	lastChange    *record.Change
	lastRejection *record.Change
	pending       map[string]record.Holding // by source; never modified, replaced
	history       []record.Change           // oldest first; never modified, replaced
}

// setPending records (p != nil) or clears what the source called source
// holds for the flag and the process does not run with. The caller holds
// en.mu and en.commit.
func (en *entry) setPending(source string, p *record.Holding) {
	if p == nil && en.rec().pending[source] == (record.Holding{}) {
		return
	}
	en.updateRecord(func(r *flagRecord) {
		m := maps.Clone(r.pending)
		if p == nil {
			delete(m, source)
		} else {
			if m == nil {
				m = map[string]record.Holding{}
			}
			m[source] = *p
		}
		r.pending = m
	})
}

// updateKey identifies a counter of updates: which flag, from which source,
// with what result. flag is empty for names no flag is declared with, so the
// number of counters is bounded by the declared flags.
type updateKey struct {
	flag   string
	source string
	result record.Result
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
		sources: map[string]*Source{},
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

// declared registers a dynamic value flagz has just put on the flag set.
func (e *Engine) declared(name string, v dynamicValue) {
	e.fsMu.Lock()
	f := e.fs.lookup(name)
	e.fsMu.Unlock()
	if f == nil {
		return
	}
	en := &entry{flag: f, dyn: v, group: groupOf(v)}
	e.entries.Store(name, en)
	e.mu.Lock()
	e.dynamic = append(e.dynamic, en)
	e.sorted = false
	e.mu.Unlock()
	e.valueChanged()
}

// valueChanged records that a value changed, so that the checksums are
// computed again when next asked for.
func (e *Engine) valueChanged() {
	if e != nil {
		e.version.Add(1)
	}
}

// lookup returns the entry of the flag called name, or nil if there is no
// such flag.
func (e *Engine) lookup(name string) *entry {
	if en, ok := e.entries.Load(name); ok {
		return en.(*entry)
	}
	e.fsMu.Lock()
	defer e.fsMu.Unlock()
	f := e.fs.lookup(name)
	if f == nil {
		return nil
	}
	return e.entryOf(f)
}

// entryOf returns the entry of f, making it on first use.
func (e *Engine) entryOf(f *pflag.Flag) *entry {
	if en, ok := e.entries.Load(f.Name); ok {
		return en.(*entry)
	}
	en := &entry{flag: f}
	if d, ok := f.Value.(dynamicValue); ok {
		en.dyn = d // declared on the flag set by other means than flagz's constructors
		en.group = groupOf(d)
	}
	made, _ := e.entries.LoadOrStore(f.Name, en)
	return made.(*entry)
}

// dynamicSorted returns the dynamic values declared through flagz, sorted
// by name. The slice is never modified: after a declaration a sorted copy
// is made outside mu (earlier callers may still be reading the old one).
func (e *Engine) dynamicSorted() []*entry {
	e.mu.Lock()
	dyn, sorted := e.dynamic, e.sorted
	e.mu.Unlock()
	if sorted {
		return dyn
	}
	dyn = slices.Clone(dyn)
	slices.SortFunc(dyn, func(a, b *entry) int { return strings.Compare(a.flag.Name, b.flag.Name) })
	e.mu.Lock()
	if !e.sorted && len(e.dynamic) == len(dyn) {
		e.dynamic, e.sorted = dyn, true
	}
	e.mu.Unlock()
	return dyn
}

func (en *entry) rec() flagRecord {
	if r := en.record.Load(); r != nil {
		return *r
	}
	return flagRecord{}
}

// updateRecord replaces the flag's record with a changed copy. The caller
// holds en.mu and en.commit.
func (en *entry) updateRecord(change func(*flagRecord)) {
	r := en.rec()
	change(&r)
	en.record.Store(&r)
}

func (en *entry) sensitive() bool { return IsFlagSensitive(en.flag) }

// dynamic reports whether the flag may change while the program runs.
func (en *entry) dynamic() bool { return en.dyn != nil || IsFlagDynamic(en.flag) }

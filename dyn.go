package flagz

import (
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/flagz-go/flagz/internal/recovery"
	"github.com/flagz-go/flagz/schema"
)

// Dyn is a flag value that can change while the program runs. Every typed
// value in this package (DynInt64Value, DynStringSliceValue, …) is a Dyn.
//
// Get is lock-free and allocation-free: it loads an atomic pointer. Set
// parses the input, runs the validators, swaps the pointer and then hands
// (old, new) to the notifiers. Values of reference types (slices, maps, JSON
// structs, proto messages) returned by Get are shared snapshots: read them,
// never modify them.
type Dyn[T any] struct {
	ptr   atomic.Pointer[held[T]]
	def   *held[T]
	codec *codec[T]
	name  string

	sensitive atomic.Bool
	maxSize   atomic.Int64 // WithMaxSize: 0 the flag set's limit, < 0 none

	validators atomic.Pointer[[]func(T) error] // copied on write
	notify     notifier[T]
	// setMu orders changes of a flag that has notifiers, and direct Sets
	// while the engine has subscribers: the swap and queueing its
	// notification and event happen as one step, so notifiers and
	// subscribers see changes in the order they took effect. Otherwise a
	// change is a lock-free atomic swap.
	setMu   sync.Mutex
	flagSet flagSet
	engine  *Engine // of the flag set: told of every change, for its checksums
}

// held is one value of a Dyn with its text, made on first use: every String
// after the first, and every checksum, costs no formatting.
type held[T any] struct {
	v    T
	text atomic.Pointer[string]
}

func (h *held[T]) String(format func(T) string) string {
	if t := h.text.Load(); t != nil {
		return *t
	}
	s := format(h.v)
	h.text.Store(&s)
	return s
}

// codec turns strings into values of one type and back.
type codec[T any] struct {
	typeName string
	parse    func(string) (T, error)
	format   func(T) string
	equal    func(a, b T) bool
	clone    func(T) T // copies a caller-supplied default; nil when T is a plain value
	syntax   schema.Syntax
	isBool   bool
	safe     bool // parse is this package's own and cannot panic: no recover needed
	// allowUnknown, for DynJSONOf only, is set by AllowUnknownFields.
	allowUnknown *atomic.Bool
}

// dynamicValue is what the engine and the flag set adapters need from every
// Dyn, whatever its type.
type dynamicValue interface {
	Set(string) error
	String() string
	Type() string
	IsBoolFlag() bool
	flagName() string
	stage(input string) (commit func(logger *slog.Logger) (old, new string, changed bool), err error)
	reset(logger *slog.Logger) (old, new string, changed bool)
	defaultString() string
	isDefault() bool
	valueSyntax() schema.Syntax
	isSensitive() bool
	lastNotifierPanic() error
	constraints() []schema.Constraint
	maxValueSize() int
}

func newDyn[T any, F FlagSet](fs F, name string, def T, usage string, c *codec[T]) *Dyn[T] {
	d := buildDyn(name, def, c)
	registerDyn(fs, d, d, usage)
	return d
}

// buildDyn makes a value holding a private copy of def.
func buildDyn[T any](name string, def T, c *codec[T]) *Dyn[T] {
	if c.clone != nil {
		def = c.clone(def)
	}
	d := &Dyn[T]{def: &held[T]{v: def}, codec: c, name: name}
	d.ptr.Store(d.def)
	d.notify.init(name, &d.sensitive)
	return d
}

// registerDyn declares v, which is d or a type wrapping it, on fs.
func registerDyn[T any, F FlagSet](fs F, d *Dyn[T], v dynamicValue, usage string) {
	d.flagSet = adapt(fs)
	d.engine = EngineFor(fs)
	d.flagSet.register(v, d.name, usage)
	d.engine.declared(d.name, v)
}

// Get returns the current value. It never blocks and never allocates.
func (d *Dyn[T]) Get() T {
	return d.ptr.Load().v
}

// Default returns the value the flag was declared with.
func (d *Dyn[T]) Default() T {
	return d.def.v
}

// Name returns the flag's name.
func (d *Dyn[T]) Name() string { return d.name }

// Set parses input (refused unparsed when longer than the flag's size
// limit, see WithMaxSize) and, if the result passes every validator, makes it the
// current value and notifies the notifiers and the engine's subscribers
// (an Event of source DirectSet). On error the current value is left
// untouched; the error names the flag and the reason. Setting the value the
// flag already holds succeeds and notifies nobody.
//
// Numbers, booleans, durations and lists ignore surrounding white space;
// strings are taken verbatim.
func (d *Dyn[T]) Set(input string) error {
	_, _, _, err := d.change(input)
	return err
}

// change parses, validates and swaps in input: Set without the formatting
// the engine needs. The engine's subscribers hear of a change (an Event of
// source DirectSet).
func (d *Dyn[T]) change(input string) (prev, next *held[T], changed bool, err error) {
	if next, err = d.prepare(input); err != nil {
		return nil, nil, false, err
	}
	prev, changed = d.swap(next, nil, d.engine.directSet(d.name, input, d.isSensitive()))
	return prev, next, changed, nil
}

// prepare parses and validates input, refusing it unparsed when it is over
// the flag's size limit.
func (d *Dyn[T]) prepare(input string) (*held[T], error) {
	if limit := d.maxValueSize(); overLimit(input, limit) {
		return nil, d.valueError(abbreviate(input), ErrParse, 0, sizeError(len(input), limit))
	}
	v, err := d.parse(input)
	if err != nil {
		return nil, d.valueError(input, ErrParse, 0, err)
	}
	if i, err := d.validate(v); err != nil {
		return nil, d.valueError(input, ErrInvalid, i, err)
	}
	return &held[T]{v: v}, nil
}

// parse runs the codec, turning a panic (a custom UnmarshalJSON, say) into
// an error.
func (d *Dyn[T]) parse(input string) (v T, err error) {
	if d.codec.safe {
		return d.codec.parse(input)
	}
	defer recovery.Site{Op: "parser"}.Recover(&err)
	return d.codec.parse(input)
}

// validate runs every validator in order, turning a panic into an error.
// On a refusal it returns the position (from 1) of the validator that
// refused.
func (d *Dyn[T]) validate(v T) (refusedBy int, err error) {
	validators := d.validators.Load()
	if validators == nil {
		return 0, nil
	}
	defer recovery.Site{Op: "validator"}.Recover(&err)
	for i, validate := range *validators {
		refusedBy = i + 1
		if err := validate(v); err != nil {
			return refusedBy, err
		}
	}
	return 0, nil
}

// swap makes next the current value unless it equals the current one
// (then nothing is stored: String and the checksums stay as they are, and
// nobody is told), and queues the notification, whose notifier panics go to
// logger (the log of the source making the change; nil: slog.Default()),
// and for a direct Set the event of tell (nil: none, a source's batch is
// one event). It returns the value it replaced, or the current one when
// nothing changed.
func (d *Dyn[T]) swap(next *held[T], logger *slog.Logger, tell *directSet) (prev *held[T], changed bool) {
	if d.notify.active() || tell != nil {
		d.setMu.Lock()
		defer d.setMu.Unlock()
	}
	for {
		p := d.ptr.Load()
		if p == next || d.codec.equal(p.v, next.v) {
			return p, false
		}
		if d.ptr.CompareAndSwap(p, next) {
			d.notify.enqueue(p.v, next.v, logger)
			d.engine.valueChanged()
			if tell != nil {
				tell.publish(p.String(d.codec.format), next.String(d.codec.format))
			}
			return p, true
		}
	}
}

// stage parses and validates input, and returns the step that makes it the
// value: the engine runs that step together with recording the change.
func (d *Dyn[T]) stage(input string) (commit func(logger *slog.Logger) (old, new string, changed bool), err error) {
	next, err := d.prepare(input)
	if err != nil {
		return nil, err
	}
	return func(logger *slog.Logger) (old, new string, changed bool) {
		prev, changed := d.swap(next, logger, nil)
		if !changed {
			return "", "", false
		}
		return prev.String(d.codec.format), next.String(d.codec.format), true
	}, nil
}

// reset returns the flag to its default value, notifying on a change.
// Validators do not run: the default is accepted by declaration.
func (d *Dyn[T]) reset(logger *slog.Logger) (old, new string, changed bool) {
	prev, changed := d.swap(d.def, logger, nil)
	if !changed {
		return "", "", false
	}
	return prev.String(d.codec.format), d.def.String(d.codec.format), true
}

// valueError reports a refused input; refusedBy is the position of the
// validator that refused it (ErrInvalid). For a sensitive flag nothing
// derived from the input is kept (see ValueError).
func (d *Dyn[T]) valueError(input string, kind error, refusedBy int, reason error) error {
	if d.isSensitive() {
		reason = sensitiveReason(kind, d.codec.typeName, refusedBy, reason)
		input = Redacted
	}
	return &ValueError{Flag: d.name, Type: d.codec.typeName, Input: input, Kind: kind, Reason: reason}
}

// String returns the canonical text of the current value: Set(String())
// yields an equal value. Sets print sorted.
func (d *Dyn[T]) String() string {
	if d == nil || d.codec == nil {
		return "" // the zero Dyn, as flag.PrintDefaults makes one
	}
	return d.ptr.Load().String(d.codec.format)
}

// Type names the flag's type as go-flagz did: "dyn_int64", "dyn_json", ….
func (d *Dyn[T]) Type() string {
	if d == nil || d.codec == nil {
		return ""
	}
	return d.codec.typeName
}

// IsBoolFlag reports whether the flag may be given as a bare --name (for the
// standard flag package).
func (d *Dyn[T]) IsBoolFlag() bool { return d != nil && d.codec != nil && d.codec.isBool }

// WithValidator adds a check that every new value must pass before it is
// applied; validators run in the order they were added, on the goroutine
// calling Set. A validator's error (or panic) refuses the value, which the
// flag reports as a ValueError of kind ErrInvalid. Validators run while the
// engine applies a batch, so they must not call the Engine themselves. It
// returns d for chaining; each call adds one more validator (go-flagz
// replaced the previous one).
func (d *Dyn[T]) WithValidator(validator func(T) error) *Dyn[T] {
	d.setMu.Lock() // serialises writers of the list
	defer d.setMu.Unlock()
	var list []func(T) error
	if old := d.validators.Load(); old != nil {
		list = append(list, *old...)
	}
	list = append(list, validator)
	d.validators.Store(&list)
	return d
}

// WithNotifier adds a function called with (old, new) after every change;
// each call adds one more (go-flagz replaced the previous one).
// For one flag, notifiers run one at a time on a goroutine of their own, in
// the order the changes happened, so a slow notifier delays only later
// notifications of the same flag, never Set or other flags. A notifier
// that falls far behind (65,536 changes waiting, or 1,024 behind a call
// running for a second) gets the waiting changes merged into one, from the
// value it last saw to the newest, so memory stays bounded; it never sees an
// older value after a newer one, and FlagState.NotifierBehindSince says so
// while it lasts. A panic in a notifier is recovered and logged. It returns
// d for chaining.
func (d *Dyn[T]) WithNotifier(notifier func(oldValue, newValue T)) *Dyn[T] {
	d.notify.addFunc(notifier)
	return d
}

// WithSensitive marks the flag's value as secret: the debug page, JSON,
// logs, errors and metrics show "[redacted]" instead of it, a refused
// value's error names only who refused it (see ValueError), and a notifier's
// panic is reported without its value. It returns d for chaining.
func (d *Dyn[T]) WithSensitive() *Dyn[T] {
	d.sensitive.Store(true)
	if f := d.flagSet.lookup(d.name); f != nil {
		MarkFlagSensitive(f)
	}
	d.engine.valueChanged() // the checksums leave its value out now
	return d
}

// WithFileFlag adds a companion flag "<name>_path" holding defaultFilePath:
// when it holds a path, ReadFileFlags sets this flag from that file's
// contents. It returns d for chaining, as go-flagz does; the companion is
// reached through the flag set, its Value a *FileReadValue:
//
//	fs.Lookup(d.Name() + "_path").Value.(*flagz.FileReadValue).Path()
func (d *Dyn[T]) WithFileFlag(defaultFilePath string) *Dyn[T] {
	newFileReadValue(d.flagSet, d.name, defaultFilePath)
	return d
}

// WaitNotified blocks until every notification queued before the call has
// been delivered. It is meant for tests and orderly shutdown.
func (d *Dyn[T]) WaitNotified() { d.notify.wait() }

func (d *Dyn[T]) flagName() string              { return d.name }
func (d *Dyn[T]) defaultString() string         { return d.def.String(d.codec.format) }
func (d *Dyn[T]) isDefault() bool               { return d.codec.equal(d.Get(), d.def.v) }
func (d *Dyn[T]) valueSyntax() schema.Syntax    { return d.codec.syntax }
func (d *Dyn[T]) isSensitive() bool             { return d.sensitive.Load() }
func (d *Dyn[T]) markSensitive()                { d.sensitive.Store(true) }
func (d *Dyn[T]) lastNotifierPanic() error      { return d.notify.lastPanicErr() }
func (d *Dyn[T]) flagzDynamic()                 {}
func equalComparable[T comparable](a, b T) bool { return a == b }

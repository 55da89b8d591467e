package flagz

import (
	"errors"
	"log/slog"
	"reflect"
	"sync/atomic"
	"time"

	"github.com/flagz-go/flagz/internal/recovery"
	"github.com/flagz-go/flagz/schema"
)

// structField is the flag of one field of a DynStruct: its value is the
// field of the struct's current value, and its changes are changes of the
// struct.
type structField[T any] struct {
	s         *DynStructValue[T]
	name      string
	index     []int
	codec     *fieldCodec
	sensitive atomic.Bool

	validators atomic.Pointer[[]fieldValidator] // copied on write, under s.mu
	text       atomic.Pointer[fieldText[T]]     // the text of the field in one struct, made on first use
}

// fieldValidator is a validator of one field, and what it checks.
type fieldValidator struct {
	check      func(reflect.Value) error
	constraint schema.Constraint
}

// fieldText is the text of the field in the struct of.
type fieldText[T any] struct {
	of   *held[T]
	text string
}

// declare puts the field's flag on the struct's flag set.
func (f *structField[T]) declare(spec fieldSpec, structUsage string) {
	usage := spec.usage
	switch {
	case structUsage != "" && usage != "":
		usage = structUsage + ": " + usage
	case usage == "":
		usage = structUsage
	}
	s := &f.s.core
	s.flagSet.register(f, f.name, usage)
	if spec.sensitive {
		f.markSensitive()
		s.fsMarkSensitive(f.name)
	}
	s.engine.declared(f.name, f)
}

// fsMarkSensitive marks the flag called name of d's flag set sensitive.
func (d *Dyn[T]) fsMarkSensitive(name string) {
	if fl := d.flagSet.lookup(name); fl != nil {
		MarkFlagSensitive(fl)
	}
}

// of returns the field in the struct v.
func (f *structField[T]) of(v *T) reflect.Value {
	return reflect.ValueOf(v).Elem().FieldByIndex(f.index)
}

// format returns the text of the field in h, made once per struct value.
func (f *structField[T]) format(h *held[T]) string {
	if t := f.text.Load(); t != nil && t.of == h {
		return t.text
	}
	text := f.codec.format(f.of(&h.v))
	f.text.Store(&fieldText[T]{of: h, text: text})
	return text
}

// Set parses input and, if the struct with the field changed to it passes
// the field's and the struct's validators, makes that the current struct.
func (f *structField[T]) Set(input string) error {
	changes := []fieldChange{{field: f, input: input}}
	tell := f.s.core.engine.directSet(f.name, input, f.isSensitive())
	f.s.changeFields(changes, nil, nil, tell)
	return changes[0].err
}

// String returns the text of the field's current value.
func (f *structField[T]) String() string {
	if f == nil || f.s == nil {
		return "" // the zero value, as flag.PrintDefaults makes one
	}
	return f.format(f.s.core.ptr.Load())
}

func (f *structField[T]) Type() string {
	if f == nil || f.codec == nil {
		return ""
	}
	return f.codec.typeName
}

func (f *structField[T]) IsBoolFlag() bool { return f != nil && f.codec != nil && f.codec.isBool }

// stage is not used: the engine changes a struct's fields through the
// struct (fieldGroup), all of a batch's at once.
func (f *structField[T]) stage(string) (func(*slog.Logger) (string, string, bool), error) {
	return nil, errors.New("flagz: a struct field changes through its struct")
}

// reset returns the field to the struct's default.
func (f *structField[T]) reset(logger *slog.Logger) (old, new string, changed bool) {
	changes := []fieldChange{{field: f, removed: true}}
	f.s.changeFields(changes, logger, nil, nil)
	return changes[0].old, changes[0].new, changes[0].changed
}

func (f *structField[T]) flagName() string      { return f.name }
func (f *structField[T]) defaultString() string { return f.format(f.s.core.def) }
func (f *structField[T]) isDefault() bool {
	return f.codec.equal(f.of(&f.s.core.ptr.Load().v), f.of(&f.s.core.def.v))
}
func (f *structField[T]) valueSyntax() schema.Syntax { return f.codec.syntax }
func (f *structField[T]) isSensitive() bool          { return f.sensitive.Load() }
func (f *structField[T]) lastNotifierPanic() error   { return f.s.core.notify.lastPanicErr() }
func (f *structField[T]) maxValueSize() int          { return f.s.core.maxValueSize() }
func (f *structField[T]) flagzDynamic()              {}
func (f *structField[T]) fields() fieldGroup         { return f.s }

// markSensitive redacts the field, and the struct's notifier panics (which
// may print any field).
func (f *structField[T]) markSensitive() {
	f.sensitive.Store(true)
	f.s.core.sensitive.Store(true)
}

// current boxes the field's value for FlagHandle.Current.
func (f *structField[T]) current() any { return f.of(&f.s.core.ptr.Load().v).Interface() }

func (f *structField[T]) notifierBehindSince() time.Time { return f.s.core.notifierBehindSince() }

// constraints lists what the field's checks are, in the order they run:
// the range of its type (for a type narrower than 64 bits), its own
// validators, and the struct's validators, which tools outside the process
// cannot run.
func (f *structField[T]) constraints() []schema.Constraint {
	var out []schema.Constraint
	if f.codec.limit != nil {
		out = append(out, *f.codec.limit)
	}
	if vs := f.validators.Load(); vs != nil {
		for _, v := range *vs {
			out = append(out, v.constraint)
		}
	}
	if vs := f.s.core.validators.Load(); vs != nil && len(*vs) > 0 {
		out = append(out, f.s.constraint)
	}
	return out
}

// prepare parses and validates input as the field's new value, refusing
// it unparsed when it is over the size limit.
func (f *structField[T]) prepare(input string) (reflect.Value, error) {
	if limit := f.maxValueSize(); overLimit(input, limit) {
		return reflect.Value{}, f.valueError(abbreviate(input), ErrParse, 0, sizeError(len(input), limit))
	}
	v, err := f.codec.parseSafely(input)
	if err != nil {
		return reflect.Value{}, f.valueError(input, ErrParse, 0, err)
	}
	if i, err := f.validate(v); err != nil {
		return reflect.Value{}, f.valueError(input, ErrInvalid, i, err)
	}
	return v, nil
}

// validate runs the field's validators in order, turning a panic into an
// error; on a refusal it returns the position (from 1) of the validator
// that refused.
func (f *structField[T]) validate(v reflect.Value) (refusedBy int, err error) {
	vs := f.validators.Load()
	if vs == nil {
		return 0, nil
	}
	defer recovery.Site{Op: "validator"}.Recover(&err)
	for i, fv := range *vs {
		refusedBy = i + 1
		if err := fv.check(v); err != nil {
			return refusedBy, err
		}
	}
	return 0, nil
}

// valueError reports a refused input as Dyn.valueError does.
func (f *structField[T]) valueError(input string, kind error, refusedBy int, reason error) error {
	if f.isSensitive() {
		reason = sensitiveReason(kind, f.codec.typeName, refusedBy, reason)
		input = Redacted
	}
	return &ValueError{Flag: f.name, Type: f.codec.typeName, Input: input, Kind: kind, Reason: reason}
}

package flagz

import (
	"fmt"
	"log/slog"
	"reflect"
	"slices"
)

// changeFields applies changes, each a field of s set to an input or
// returned to its default (removed), as one change of the struct: parsed
// and validated field by field, then, under s.mu, the current struct with
// every change made is checked by the struct's validators and swapped in
// once. A field refused on its own (parse, size, its validators) or by a
// struct validator refuses every set of the batch, each with the reason;
// removals are applied whatever happens (a default is accepted by
// declaration). Results go into changes. hold, when not nil, runs once
// under s.mu before the swap (the engine takes the fields' commit locks
// there); tell, when not nil, publishes the one change of a direct Set.
// Notifier panics go to logger.
func (s *DynStructValue[T]) changeFields(changes []fieldChange, logger *slog.Logger, hold func(), tell *directSet) {
	parsed := make([]reflect.Value, len(changes))
	var bad *structField[T] // the first field refused on its own
	sets := 0
	for i := range changes {
		c := &changes[i]
		if c.removed {
			continue
		}
		sets++
		f := c.field.(*structField[T])
		v, err := f.prepare(c.input)
		if err != nil {
			c.err = err
			if bad == nil {
				bad = f
			}
			continue
		}
		parsed[i] = v
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	prev := s.core.ptr.Load()
	next := prev.v
	rv := reflect.ValueOf(&next).Elem()
	def := reflect.ValueOf(&s.core.def.v).Elem()
	for _, c := range changes {
		if c.removed {
			idx := c.field.(*structField[T]).index
			rv.FieldByIndex(idx).Set(def.FieldByIndex(idx))
		}
	}
	switch {
	case sets == 0:
	case bad != nil:
		s.refuse(changes, fixedText(fmt.Sprintf("%s: not applied with %q, refused in the same change", s.label, bad.name)))
	default:
		candidate := next
		rc := reflect.ValueOf(&candidate).Elem()
		for i, c := range changes {
			if !c.removed {
				rc.FieldByIndex(c.field.(*structField[T]).index).Set(parsed[i])
			}
		}
		if i, err := s.core.validate(candidate); err != nil {
			reason := fmt.Errorf("%s: %w", s.label, err)
			if s.core.isSensitive() { // the validator's text may quote any field
				reason = fixedText(fmt.Sprintf("%s: failed validator #%d", s.label, i))
			}
			s.refuse(changes, reason)
		} else {
			next = candidate
		}
	}

	if hold != nil {
		hold()
	}
	cur := prev
	if !s.equalValues(prev.v, next) {
		cur = &held[T]{v: next}
		s.core.ptr.Store(cur)
		s.core.notify.enqueue(prev.v, cur.v, logger)
		s.core.engine.valueChanged()
	}
	for i := range changes {
		c := &changes[i]
		f := c.field.(*structField[T])
		if c.err != nil || cur == prev || f.codec.equal(f.of(&prev.v), f.of(&cur.v)) {
			continue
		}
		c.old, c.new, c.changed = f.format(prev), f.format(cur), true
	}
	if tell != nil && changes[0].changed {
		tell.publish(changes[0].old, changes[0].new)
	}
}

// refuse refuses every set of changes not refused yet, for reason, which
// holds nothing of a sensitive value.
func (s *DynStructValue[T]) refuse(changes []fieldChange, reason error) {
	for i := range changes {
		c := &changes[i]
		if c.removed || c.err != nil {
			continue
		}
		f := c.field.(*structField[T])
		input := c.input
		if f.isSensitive() {
			input = Redacted
		}
		c.err = &ValueError{Flag: f.name, Type: f.codec.typeName, Input: input, Kind: ErrInvalid, Reason: reason}
	}
}

// WithFieldValidator adds a check of one field, named as in Fields or
// relative to the struct's name ("rate" for "limits.rate"): validator is a
// func(V) error, V the field's type, or int64 for any integer field and
// float64 for any float field, so that the validators of this package
// (ValidateDynInt64Range, ValidateDynStringMatchesRegex, …) serve, and are
// published, so that pre-flight checks them as for a typed value. Field
// validators run on the field's new value before the struct's validators,
// in the order they were added. WithFieldValidator panics if the struct
// has no such field or validator does not fit it: a programming error
// found at start-up. It returns s for chaining.
func (s *DynStructValue[T]) WithFieldValidator(field string, validator any) *DynStructValue[T] {
	f := s.field(field)
	if f == nil {
		panic(fmt.Sprintf("flagz: DynStruct %q: no field %q (fields: %v)", s.core.name, field, s.Fields()))
	}
	ft := reflect.TypeFor[T]().FieldByIndex(f.index).Type
	fn := reflect.ValueOf(validator)
	errType := reflect.TypeFor[error]()
	if fn.Kind() != reflect.Func || fn.IsNil() || fn.Type().NumIn() != 1 || fn.Type().NumOut() != 1 || fn.Type().Out(0) != errType {
		panic(fmt.Sprintf("flagz: DynStruct %q: validator of %q is a %T, not a func(%v) error", s.core.name, f.name, validator, ft))
	}
	in := fn.Type().In(0)
	if in != ft && !(in == f.codec.validatorArg || in.Kind() == ft.Kind()) || !ft.ConvertibleTo(in) {
		panic(fmt.Sprintf("flagz: DynStruct %q: validator of %q takes a %v, not the field's %v", s.core.name, f.name, in, ft))
	}
	check := func(v reflect.Value) error {
		err, _ := fn.Call([]reflect.Value{v.Convert(in)})[0].Interface().(error)
		return err
	}
	s.mu.Lock()
	var list []fieldValidator
	if old := f.validators.Load(); old != nil {
		list = slices.Clone(*old)
	}
	f.validators.Store(ptr(append(list, fieldValidator{check: check, constraint: constraintOfFunc(validator)})))
	s.mu.Unlock()
	s.core.engine.valueChanged()
	return s
}

// field returns the field called name (relative to the struct's name, or
// in full), or nil.
func (s *DynStructValue[T]) field(name string) *structField[T] {
	full := name
	if s.core.name != "" {
		full = s.core.name + "." + name
	}
	for _, f := range s.fields {
		if f.name == full || f.name == name {
			return f
		}
	}
	return nil
}

package flagz

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/flagz-go/flagz/schema"
)

// DynStructValue holds related settings as one struct whose fields are
// flags of their own (see DynStruct). Get returns the whole struct, and
// every change, however many fields it touches, replaces it at once: a
// reader never sees some fields changed and others not yet.
type DynStructValue[T any] struct {
	// core holds the whole struct: its value, default, validators and
	// notifiers. It is declared on no flag set; its fields are.
	core   Dyn[T]
	fields []*structField[T] // in the order the type declares them
	label  string            // `struct "limiter"`, for errors and logs
	// constraint is what each field publishes of the struct's validators.
	constraint schema.Constraint

	// mu orders the struct's changes: each reads the current struct,
	// builds the next, validates and swaps it under mu, so two changes of
	// different fields never lose one another.
	mu sync.Mutex
}

// DynStruct declares a struct of related dynamic settings on fs: each
// exported field of T becomes a flag called name.field, which every source
// sets by that name and which is listed, checksummed, shown on the debug
// page and published like any flag. Get returns one consistent snapshot
// of the whole struct, lock-free and allocation-free.
//
// A field's flag name is the field's name in lower case with "-" between
// words ("RateLimit" → "rate-limit"), or the name its tag gives; a tag can
// also mark it sensitive, or skip it; usage comes from a usage tag:
//
//	type Limits struct {
//		Rate  int64  `flagz:"rate" usage:"requests per second"`
//		Burst int64  `usage:"requests at once"`
//		Token string `flagz:"token,sensitive"`
//		Notes string `flagz:"-"` // not a flag
//	}
//
// Fields of types bool, signed and unsigned integers, floats, string,
// time.Duration, []string and map[string]struct{} (and types of those
// kinds) read text as the typed values do (DynInt64, DynStringSet, …); an
// integer or float narrower than 64 bits refuses what it cannot hold; any
// other type is a JSON document (as DynJSONOf). A nested struct's fields
// become flags name.outer.inner (an embedded struct's fields are promoted,
// as in JSON), unless it decodes itself (time.Time, UnmarshalJSON,
// UnmarshalText): then it is one JSON field. Unexported fields are kept as
// the default has them.
//
// One batch, one swap: when a source's batch (an etcd transaction, a
// ConfigMap update, a file reload) changes several fields, the struct
// changes once, with all of them; validators (WithValidator) see the whole
// candidate, and a refusal refuses every field of the struct in the batch,
// each reported with the reason. A field set alone (Set, the debug page's
// setter, the command line) goes through the same validators. An empty
// name declares the fields under their own names, with no prefix: a way to
// bind flags that exist already without renaming them.
//
// usage, when not empty, comes before each field's usage. DynStruct
// panics, as flag redeclaration does, if T is not a struct, has no
// field to declare or has a tag it cannot read: programming errors found at
// start-up.
func DynStruct[T any, F FlagSet](fs F, name string, value T, usage string) *DynStructValue[T] {
	t := reflect.TypeFor[T]()
	if t.Kind() != reflect.Struct {
		panic(fmt.Sprintf("flagz: DynStruct %q: %v is not a struct", name, t))
	}
	prefix := ""
	if name != "" {
		prefix = name + "."
	}
	specs, err := structFields(t, prefix)
	if err == nil && len(specs) == 0 {
		err = fmt.Errorf("%v has no exported field", t)
	}
	if err != nil {
		panic(fmt.Sprintf("flagz: DynStruct %q: %v", name, err))
	}
	s := &DynStructValue[T]{}
	s.fields = make([]*structField[T], len(specs))
	names := make([]string, len(specs))
	for i, spec := range specs {
		s.fields[i] = &structField[T]{s: s, name: spec.name, index: spec.index, codec: spec.codec}
		names[i] = spec.name
	}
	s.label = fmt.Sprintf("struct %q", name)
	if name == "" {
		s.label = "struct of " + strings.Join(names, ", ")
	}
	s.core = Dyn[T]{codec: s.codec(), name: name}
	s.core.def = &held[T]{v: s.cloneValue(value)}
	s.core.ptr.Store(s.core.def)
	s.core.notify.init(s.label, &s.core.sensitive)
	s.core.flagSet = adapt(fs)
	s.core.engine = EngineFor(fs)
	slices.Sort(names)
	s.constraint = schema.Constraint{Kind: schema.Struct, Fields: strings.Join(names, ",")}
	for i, spec := range specs {
		s.fields[i].declare(spec, usage)
	}
	return s
}

// codec is the struct's own: a JSON document, compared field by field.
func (s *DynStructValue[T]) codec() *codec[T] {
	return &codec[T]{
		typeName: "dyn_struct",
		syntax:   schema.JSON,
		parse:    func(text string) (T, error) { return decodeJSON[T](text, false) },
		format:   formatJSON[T],
		equal:    s.equalValues,
	}
}

// Get returns the current struct. It never blocks and never allocates. The
// struct is a copy; slices, maps and pointers in it are shared snapshots:
// read them, never modify them.
func (s *DynStructValue[T]) Get() T {
	return s.core.ptr.Load().v
}

// Default returns the struct the value was declared with.
func (s *DynStructValue[T]) Default() T { return s.core.def.v }

// Name returns the name the struct was declared under.
func (s *DynStructValue[T]) Name() string { return s.core.name }

// Fields returns the names of the struct's flags, in the order T declares
// the fields.
func (s *DynStructValue[T]) Fields() []string {
	names := make([]string, len(s.fields))
	for i, f := range s.fields {
		names[i] = f.name
	}
	return names
}

// WithValidator adds a check that every new struct must pass before it is
// applied: it sees the whole candidate, the current struct with every field
// a batch changes. Validators run in the order they were added; one's error
// (or panic) refuses every field of the struct in the batch, each reported
// as a ValueError of kind ErrInvalid whose reason is the validator's. If a
// field of the struct is sensitive, the reason names the validator only
// (its message may quote any field). Pre-flight (the flagz command) cannot
// run it and says so for each field. It returns s for chaining.
func (s *DynStructValue[T]) WithValidator(validator func(T) error) *DynStructValue[T] {
	s.core.WithValidator(validator)
	s.core.engine.valueChanged() // the fields' constraints changed
	return s
}

// WithNotifier adds a function called with the old and the new struct
// after every change: once per change, however many fields it touched.
// Notifiers run as Dyn.WithNotifier describes. It returns s for chaining.
func (s *DynStructValue[T]) WithNotifier(notifier func(oldValue, newValue T)) *DynStructValue[T] {
	s.core.WithNotifier(notifier)
	return s
}

// WaitNotified blocks until every notification queued before the call has
// been delivered. It is meant for tests and orderly shutdown.
func (s *DynStructValue[T]) WaitNotified() { s.core.WaitNotified() }

// equalValues compares two structs field by field, with each field's
// codec (so a NaN set twice is no change).
func (s *DynStructValue[T]) equalValues(a, b T) bool {
	ra, rb := reflect.ValueOf(&a).Elem(), reflect.ValueOf(&b).Elem()
	for _, f := range s.fields {
		if !f.codec.equal(ra.FieldByIndex(f.index), rb.FieldByIndex(f.index)) {
			return false
		}
	}
	return true
}

// cloneValue copies v, and the slices, maps and JSON values of its fields,
// so that the struct never aliases the caller's.
func (s *DynStructValue[T]) cloneValue(v T) T {
	rv := reflect.ValueOf(&v).Elem()
	for _, f := range s.fields {
		if f.codec.clone != nil {
			fv := rv.FieldByIndex(f.index)
			fv.Set(f.codec.clone(fv))
		}
	}
	return v
}

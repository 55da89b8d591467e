package flagz

import "github.com/flagz-go/flagz/record"

// FlagHandle reads one flag of an Engine without taking the Engine's locks:
// what a path that runs on every request needs (an OpenFeature provider, a
// per-request lookup by name). Get it once with Engine.Handle and keep it;
// the zero FlagHandle is not usable.
//
// Only values flagz declared (Declared reports true) are read lock-free:
// their Get is an atomic load. The value and its LastChange are two reads,
// so right after a change one may already show it and the other not yet.
type FlagHandle struct{ en *entry }

// Handle returns the handle of the flag called name, and false if the flag
// set has no such flag. The first call for a name may take the Engine's
// lock; the handle's methods never do.
func (e *Engine) Handle(name string) (FlagHandle, bool) {
	en := e.lookup(name)
	if en == nil {
		return FlagHandle{}, false
	}
	return FlagHandle{en: en}, true
}

// Name returns the flag's name.
func (h FlagHandle) Name() string { return h.en.flag.Name }

// Declared reports whether flagz declared the flag's value (DynInt64,
// DynRollout, …): its Value is then the value itself, whose Get is lock-free.
func (h FlagHandle) Declared() bool { return h.en.dyn != nil }

// Value returns the flag's value as the flag set holds it: for a flag flagz
// declared, the *Dyn[T] or the type wrapping it (*DynStringSetValue,
// *DynRolloutValue), or for a field of a DynStruct the field's flag.Value
// (read the field with Current, or the struct with its Get); for another flag, its flag.Value (for a standard flag
// set, the standard package's Value, not pflag's view of it). Reading a
// Value flagz did not declare is not synchronised with the Engine's changes:
// read those through Engine.Flag.
func (h FlagHandle) Value() any {
	if v, ok := h.en.flag.Value.(stdValue); ok {
		return v.Value
	}
	return h.en.flag.Value
}

// Current returns the current value of a flag flagz declared, as Get gives
// it (a shared snapshot: never modify it), and nil for other flags. Unlike
// a typed Get it boxes the value, so it may allocate.
func (h FlagHandle) Current() any {
	if c, ok := h.en.dyn.(interface{ current() any }); ok {
		return c.current()
	}
	return nil
}

// IsDefault reports whether a flag flagz declared holds the value it was
// declared with. It is false for other flags.
func (h FlagHandle) IsDefault() bool { return h.en.dyn != nil && h.en.dyn.isDefault() }

// Dynamic reports whether the flag may change while the program runs.
func (h FlagHandle) Dynamic() bool { return h.en.dynamic() }

// Sensitive reports whether the flag's value must not be shown.
func (h FlagHandle) Sensitive() bool { return h.en.sensitive() }

// LastChange returns the last change a source made to the flag, nil if none
// did. The Change is shared: never modify it. Every change gives a new one,
// so comparing the pointers tells whether a source changed the flag since.
func (h FlagHandle) LastChange() *record.Change {
	if r := h.en.record.Load(); r != nil {
		return r.lastChange
	}
	return nil
}

// current boxes the value for FlagHandle.Current.
func (d *Dyn[T]) current() any { return d.Get() }

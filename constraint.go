package flagz

import (
	"sync"
	"unsafe"
)

// The kinds of Constraint.
const (
	// ConstraintRange bounds a number or a duration: Min and Max, in the
	// flag's own syntax, either empty when unbounded.
	ConstraintRange = "range"
	// ConstraintRegex requires a string the regular expression Pattern (Go
	// RE2 syntax) matches.
	ConstraintRegex = "regex"
	// ConstraintMinElements requires a list or set of at least Count items.
	ConstraintMinElements = "min_elements"
	// ConstraintRollout bounds a rollout's share: Min and Max are
	// percentages such as "0%" and "12.5%"; a ramp must start and end
	// within them.
	ConstraintRollout = "rollout"
	// ConstraintCustom is a validator this package cannot describe: tools
	// outside the process cannot check it.
	ConstraintCustom = "custom"
)

// Constraint is one validator's rule in machine-readable form, as a flag's
// schema publishes it (see FlagSchema). The validators this package ships
// (ValidateDynInt64Range, ValidateDynStringMatchesRegex, …) describe
// themselves; any other validator shows as a Constraint of kind "custom".
type Constraint struct {
	Kind    string `json:"kind"`
	Min     string `json:"min,omitempty"`
	Max     string `json:"max,omitempty"`
	Pattern string `json:"pattern,omitempty"`
	Count   int    `json:"count,omitempty"`
}

// described maps the validators this package's helpers returned to their
// constraints. A func value cannot be compared, and reflect gives only its
// code pointer, which every closure of one function literal shares; the
// key is the func value itself, the pointer to the closure's own
// allocation (its code pointer and the captured bounds), unique per call
// of a helper. Keeping the key keeps the closure alive, so no address is
// ever reused. Validators are made at start-up, a handful per flag: the
// map does not grow with the program's work.
var described sync.Map // unsafe.Pointer (closure) -> Constraint

// funcKey returns the identity of the closure fn refers to.
func funcKey[T any](fn func(T) error) unsafe.Pointer {
	return *(*unsafe.Pointer)(unsafe.Pointer(&fn))
}

// describeAs records that validator fn checks c, and returns fn.
func describeAs[T any](fn func(T) error, c Constraint) func(T) error {
	described.Store(funcKey(fn), c)
	return fn
}

// constraintOf returns what fn checks: its constraint if one of this
// package's helpers made it, else a custom one.
func constraintOf[T any](fn func(T) error) Constraint {
	if fn != nil {
		if c, ok := described.Load(funcKey(fn)); ok {
			return c.(Constraint)
		}
	}
	return Constraint{Kind: ConstraintCustom}
}

// constraints lists what the flag's validators check, in their order.
func (d *Dyn[T]) constraints() []Constraint {
	validators := d.validators.Load()
	if validators == nil {
		return nil
	}
	out := make([]Constraint, len(*validators))
	for i, fn := range *validators {
		out[i] = constraintOf(fn)
	}
	return out
}

// CustomConstraints returns how many of s's constraints Preflight cannot
// check: validators of kind "custom", and kinds this version of the package
// does not know (published by a newer one).
func CustomConstraints(s FlagSchema) int {
	n := 0
	for _, c := range s.Constraints {
		if !knownConstraint(c.Kind) {
			n++
		}
	}
	return n
}

func knownConstraint(kind string) bool {
	switch kind {
	case ConstraintRange, ConstraintRegex, ConstraintMinElements, ConstraintRollout:
		return true
	}
	return false
}

package flagz

import (
	"sync"
	"unsafe"

	"github.com/flagz-go/flagz/schema"
)

// described maps the validators this package's helpers returned to their
// constraints. A func value cannot be compared, and reflect gives only its
// code pointer, which every closure of one function literal shares; the
// key is the func value itself, the pointer to the closure's own
// allocation (its code pointer and the captured bounds), unique per call
// of a helper. Keeping the key keeps the closure alive, so no address is
// ever reused. Validators are made at start-up, a handful per flag: the
// map does not grow with the program's work.
var described sync.Map // unsafe.Pointer (closure) -> schema.Constraint

// funcKey returns the identity of the closure fn refers to.
func funcKey[T any](fn func(T) error) unsafe.Pointer {
	return *(*unsafe.Pointer)(unsafe.Pointer(&fn))
}

// describeAs records that validator fn checks c, and returns fn.
func describeAs[T any](fn func(T) error, c schema.Constraint) func(T) error {
	described.Store(funcKey(fn), c)
	return fn
}

// constraintOf returns what fn checks: its constraint if one of this
// package's helpers made it, else a custom one.
func constraintOf[T any](fn func(T) error) schema.Constraint {
	if fn != nil {
		if c, ok := described.Load(funcKey(fn)); ok {
			return c.(schema.Constraint)
		}
	}
	return schema.Constraint{Kind: schema.Custom}
}

// constraints lists what the flag's validators check, in their order.
func (d *Dyn[T]) constraints() []schema.Constraint {
	validators := d.validators.Load()
	if validators == nil {
		return nil
	}
	out := make([]schema.Constraint, len(*validators))
	for i, fn := range *validators {
		out[i] = constraintOf(fn)
	}
	return out
}

// constraintOfFunc is constraintOf for a validator given as an any (a
// func of one argument returning an error): an interface holds a func
// value itself, the pointer to its closure, which is the key.
func constraintOfFunc(fn any) schema.Constraint {
	type eface struct{ typ, data unsafe.Pointer }
	if c, ok := described.Load((*eface)(unsafe.Pointer(&fn)).data); ok {
		return c.(schema.Constraint)
	}
	return schema.Constraint{Kind: schema.Custom}
}

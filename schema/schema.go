// Package schema describes a process's flags to tools outside it: the
// record each process publishes (its presence, in the etcd watcher) so that
// an operator's tool can list flags and check a value before writing it
// (flagz.Preflight). Its JSON form is stable.
package schema

import "errors"

// Flag describes one declared flag to tools outside the process: what
// a process publishes so that an operator's tool can list the flags and
// check a value before writing it (flagz.Preflight). Its JSON form is stable.
type Flag struct {
	Name    string `json:"name"`
	Type    string `json:"type"` // pflag's Value.Type(): "dyn_int64", "int", …; "" for a static flag of the standard flag package
	Dynamic bool   `json:"dynamic"`
	Default string `json:"default"` // "[redacted]" for a sensitive flag
	Usage   string `json:"usage"`
	// Sensitive flags publish no text derived from their value.
	Sensitive bool `json:"sensitive,omitempty"`
	// Constraints are the flag's validators, in the order they run.
	Constraints []Constraint `json:"constraints,omitempty"`
}

// The kinds of Constraint.
const (
	// Range bounds a number or a duration: Min and Max, in the
	// flag's own syntax, either empty when unbounded.
	Range = "range"
	// Regex requires a string the regular expression Pattern (Go
	// RE2 syntax) matches.
	Regex = "regex"
	// MinElements requires a list or set of at least Count items.
	MinElements = "min_elements"
	// Rollout bounds a rollout's share: Min and Max are
	// percentages such as "0%" and "12.5%"; a ramp must start and end
	// within them.
	Rollout = "rollout"
	// Custom is a validator this package cannot describe: tools
	// outside the process cannot check it.
	Custom = "custom"
	// Struct is a validator of the struct the flag is a field of
	// (flagz.DynStruct): it sees the flags listed in Fields together, as
	// one value, and tools outside the process cannot run it. A value
	// that depends on another field is best written together with it, in
	// one transaction.
	Struct = "struct"
)

// Constraint is one validator's rule in machine-readable form, as a flag's
// schema publishes it (see Flag). The validators package flagz ships
// (ValidateDynInt64Range, ValidateDynStringMatchesRegex, …) describe
// themselves; any other validator shows as a Constraint of kind "custom".
type Constraint struct {
	Kind    string `json:"kind"`
	Min     string `json:"min,omitempty"`
	Max     string `json:"max,omitempty"`
	Pattern string `json:"pattern,omitempty"`
	Count   int    `json:"count,omitempty"`
	// Fields names the flags a Struct validator sees together, sorted
	// and separated by commas.
	Fields string `json:"fields,omitempty"`
}

// ErrUnknownType says that flagz.Preflight cannot build a value of a flag's type:
// a static flag of a type pflag does not ship, a standard-library static
// flag (no type name), or a DynProto flag (its message type lives only in
// the processes).
var ErrUnknownType = errors.New("no codec for this flag type")

// Uncheckable returns how many of s's constraints flagz.Preflight cannot
// check: validators of kind "custom" or "struct", and kinds this version of
// the package does not know (published by a newer one).
func Uncheckable(s Flag) int {
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
	case Range, Regex, MinElements, Rollout:
		return true
	}
	return false
}

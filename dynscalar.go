package flagz

import (
	"strconv"
	"strings"
	"time"
)

// DynBoolValue is a dynamic bool flag. It accepts a bare --name as true.
type DynBoolValue = Dyn[bool]

// DynInt64Value is a dynamic int64 flag.
type DynInt64Value = Dyn[int64]

// DynFloat64Value is a dynamic float64 flag.
type DynFloat64Value = Dyn[float64]

// DynStringValue is a dynamic string flag.
type DynStringValue = Dyn[string]

// DynDurationValue is a dynamic time.Duration flag.
type DynDurationValue = Dyn[time.Duration]

var (
	boolCodec = &codec[bool]{
		typeName: "dyn_bool",
		parse:    func(s string) (bool, error) { return strconv.ParseBool(strings.TrimSpace(s)) },
		format:   strconv.FormatBool,
		equal:    equalComparable[bool],
		isBool:   true,
		safe:     true,
	}
	int64Codec = &codec[int64]{
		typeName: "dyn_int64",
		parse:    func(s string) (int64, error) { return strconv.ParseInt(strings.TrimSpace(s), 0, 64) },
		format:   func(v int64) string { return strconv.FormatInt(v, 10) },
		equal:    equalComparable[int64],
		safe:     true,
	}
	float64Codec = &codec[float64]{
		typeName: "dyn_float64",
		parse:    func(s string) (float64, error) { return strconv.ParseFloat(strings.TrimSpace(s), 64) },
		format:   func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) },
		// NaN != NaN: compare bits so that a NaN set twice is a no-op.
		equal: func(a, b float64) bool { return a == b || (a != a && b != b) },
		safe:  true,
	}
	stringCodec = &codec[string]{
		typeName: "dyn_string",
		parse:    func(s string) (string, error) { return s, nil },
		format:   func(s string) string { return s },
		equal:    equalComparable[string],
		safe:     true,
	}
	durationCodec = &codec[time.Duration]{
		typeName: "dyn_duration",
		parse:    func(s string) (time.Duration, error) { return time.ParseDuration(strings.TrimSpace(s)) },
		format:   time.Duration.String,
		equal:    equalComparable[time.Duration],
		safe:     true,
	}
)

// DynBool declares a dynamic bool flag on fs. Given as a bare --name it is
// set to true.
func DynBool[F FlagSet](fs F, name string, value bool, usage string) *DynBoolValue {
	return newDyn(fs, name, value, usage, boolCodec)
}

// DynInt64 declares a dynamic int64 flag on fs. Input may be decimal, 0x hex,
// 0o octal or 0b binary.
func DynInt64[F FlagSet](fs F, name string, value int64, usage string) *DynInt64Value {
	return newDyn(fs, name, value, usage, int64Codec)
}

// DynFloat64 declares a dynamic float64 flag on fs.
func DynFloat64[F FlagSet](fs F, name string, value float64, usage string) *DynFloat64Value {
	return newDyn(fs, name, value, usage, float64Codec)
}

// DynString declares a dynamic string flag on fs. Input is taken verbatim,
// white space included.
func DynString[F FlagSet](fs F, name string, value string, usage string) *DynStringValue {
	return newDyn(fs, name, value, usage, stringCodec)
}

// DynDuration declares a dynamic time.Duration flag on fs; input is in
// time.ParseDuration's form ("1.5s", "300ms").
func DynDuration[F FlagSet](fs F, name string, value time.Duration, usage string) *DynDurationValue {
	return newDyn(fs, name, value, usage, durationCodec)
}

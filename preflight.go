package flagz

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"regexp"
	"time"

	"github.com/flagz-go/flagz/schema"
	"github.com/spf13/pflag"
)

// Preflight checks text as a value of the flag s describes, the way the
// processes publishing s would: it parses text with the codec of s.Type (a
// fresh value of that type: no flag set is touched) and runs the checks of
// s.Constraints. It returns nil if the processes would take the value (as
// far as the published schema tells), else an error naming the flag and the
// reason:
//
//   - a *ValueError wrapping ErrParse or ErrInvalid, the same a process
//     gives; redacted for a sensitive flag (see ValueError);
//   - an error wrapping schema.ErrUnknownType when no value of s.Type can be
//     built here. A "dyn_json" value is only checked to be a JSON
//     document: the Go type it decodes into lives in the processes.
//
// Constraints of kind "custom" (and kinds this version does not know) are
// not checked and make no error: schema.Uncheckable(s) counts them.
func Preflight(s schema.Flag, text string) error {
	if check, ok := dynChecks[s.Type]; ok {
		return check(s, text)
	}
	if s.Dynamic || s.Type == "" {
		return fmt.Errorf("flag %q: type %q: %w", s.Name, s.Type, schema.ErrUnknownType)
	}
	return preflightStatic(s, text)
}

// dynChecks builds, per dynamic type, a fresh value with the codec the
// processes use and the validators the constraints stand for.
var dynChecks = map[string]func(schema.Flag, string) error{
	"dyn_bool": func(s schema.Flag, text string) error { return preflightDyn(s, text, boolCodec, nil) },
	"dyn_int64": func(s schema.Flag, text string) error {
		return preflightDyn(s, text, int64Codec, func(c schema.Constraint) (func(int64) error, error) {
			if c.Kind != schema.Range {
				return nil, nil
			}
			lo, hi, err := bounds(c, int64Codec, math.MinInt64, math.MaxInt64)
			return validateRange("ValidateDynInt64Range", lo, hi), err
		})
	},
	"dyn_float64": func(s schema.Flag, text string) error {
		return preflightDyn(s, text, float64Codec, func(c schema.Constraint) (func(float64) error, error) {
			if c.Kind != schema.Range {
				return nil, nil
			}
			lo, hi, err := bounds(c, float64Codec, math.Inf(-1), math.Inf(1))
			return validateRange("ValidateDynFloat64Range", lo, hi), err
		})
	},
	"dyn_duration": func(s schema.Flag, text string) error {
		return preflightDyn(s, text, durationCodec, func(c schema.Constraint) (func(time.Duration) error, error) {
			if c.Kind != schema.Range {
				return nil, nil
			}
			lo, hi, err := bounds(c, durationCodec, math.MinInt64, math.MaxInt64)
			return validateRange("ValidateDynDurationRange", lo, hi), err
		})
	},
	"dyn_string": func(s schema.Flag, text string) error {
		return preflightDyn(s, text, stringCodec, func(c schema.Constraint) (func(string) error, error) {
			if c.Kind != schema.Regex {
				return nil, nil
			}
			re, err := regexp.Compile(c.Pattern)
			if err != nil {
				return nil, err
			}
			return validateRegex(re), nil
		})
	},
	"dyn_stringslice": func(s schema.Flag, text string) error {
		return preflightDyn(s, text, stringSliceCodec, func(c schema.Constraint) (func([]string) error, error) {
			if c.Kind != schema.MinElements {
				return nil, nil
			}
			return validateSliceMinElements(c.Count), nil
		})
	},
	"dyn_stringset": func(s schema.Flag, text string) error {
		return preflightDyn(s, text, stringSetCodec, func(c schema.Constraint) (func(map[string]struct{}) error, error) {
			if c.Kind != schema.MinElements {
				return nil, nil
			}
			return validateSetMinElements(c.Count), nil
		})
	},
	"dyn_rollout": func(s schema.Flag, text string) error {
		codec := rolloutCodec(s.Name, func() bool { return s.Sensitive })
		return preflightDyn(s, text, codec, func(c schema.Constraint) (func(Rollout) error, error) {
			if c.Kind != schema.Rollout {
				return nil, nil
			}
			lo, errLo := parsePercentBound(c.Min, 0)
			hi, errHi := parsePercentBound(c.Max, rolloutBuckets)
			return validateRolloutRange(lo, hi), errors.Join(errLo, errHi)
		})
	},
	"dyn_json": func(s schema.Flag, text string) error {
		codec := &codec[json.RawMessage]{
			typeName: "dyn_json",
			parse: func(text string) (json.RawMessage, error) {
				var v json.RawMessage
				err := json.Unmarshal([]byte(text), &v)
				return v, err
			},
			format: func(v json.RawMessage) string { return string(v) },
			equal:  func(a, b json.RawMessage) bool { return string(a) == string(b) },
			safe:   true,
		}
		return preflightDyn(s, text, codec, nil)
	},
}

// preflightDyn parses and validates text as a fresh Dyn[T] would, with the
// validators check makes of s's constraints (nil for kinds it cannot
// check).
func preflightDyn[T any](s schema.Flag, text string, c *codec[T], check func(schema.Constraint) (func(T) error, error)) error {
	var zero T
	d := buildDyn(s.Name, zero, c) // on no flag set: nothing outside d changes
	if s.Sensitive {
		d.sensitive.Store(true)
	}
	var validators []func(T) error
	for _, con := range s.Constraints {
		if check == nil {
			break
		}
		v, err := check(con)
		if err != nil {
			return fmt.Errorf("flag %q: its published %s constraint cannot be read: %w", s.Name, con.Kind, err)
		}
		if v != nil {
			validators = append(validators, v)
		}
	}
	d.validators.Store(&validators)
	_, err := d.prepare(text)
	return err
}

// bounds reads a range constraint's Min and Max with codec c; an empty bound
// is lo or hi.
func bounds[T any](con schema.Constraint, c *codec[T], lo, hi T) (T, T, error) {
	var err error
	if con.Min != "" {
		if lo, err = c.parse(con.Min); err != nil {
			return lo, hi, fmt.Errorf("min %q: %w", con.Min, err)
		}
	}
	if con.Max != "" {
		if hi, err = c.parse(con.Max); err != nil {
			return lo, hi, fmt.Errorf("max %q: %w", con.Max, err)
		}
	}
	return lo, hi, nil
}

// parsePercentBound reads a rollout constraint's bound ("12.5%"); empty is
// def.
func parsePercentBound(s string, def int) (int, error) {
	if s == "" {
		return def, nil
	}
	return parsePercent(s)
}

// preflightStatic parses text with a fresh pflag value of s.Type.
func preflightStatic(s schema.Flag, text string) error {
	declare, ok := staticTypes[s.Type]
	if !ok {
		return fmt.Errorf("flag %q: type %q: %w", s.Name, s.Type, schema.ErrUnknownType)
	}
	fs := pflag.NewFlagSet("preflight", pflag.ContinueOnError)
	declare(fs)
	if err := fs.Lookup("v").Value.Set(text); err != nil {
		reason, input := err, text
		if s.Sensitive {
			reason, input = fixedText("not a valid "+s.Type), Redacted
		}
		return &ValueError{Flag: s.Name, Type: s.Type, Input: input, Kind: ErrParse, Reason: reason}
	}
	return nil
}

// staticTypes declares a flag "v" of each pflag type by its Type() name.
var staticTypes = map[string]func(*pflag.FlagSet){
	"bool":           func(fs *pflag.FlagSet) { fs.Bool("v", false, "") },
	"int":            func(fs *pflag.FlagSet) { fs.Int("v", 0, "") },
	"int8":           func(fs *pflag.FlagSet) { fs.Int8("v", 0, "") },
	"int16":          func(fs *pflag.FlagSet) { fs.Int16("v", 0, "") },
	"int32":          func(fs *pflag.FlagSet) { fs.Int32("v", 0, "") },
	"int64":          func(fs *pflag.FlagSet) { fs.Int64("v", 0, "") },
	"uint":           func(fs *pflag.FlagSet) { fs.Uint("v", 0, "") },
	"uint8":          func(fs *pflag.FlagSet) { fs.Uint8("v", 0, "") },
	"uint16":         func(fs *pflag.FlagSet) { fs.Uint16("v", 0, "") },
	"uint32":         func(fs *pflag.FlagSet) { fs.Uint32("v", 0, "") },
	"uint64":         func(fs *pflag.FlagSet) { fs.Uint64("v", 0, "") },
	"float32":        func(fs *pflag.FlagSet) { fs.Float32("v", 0, "") },
	"float64":        func(fs *pflag.FlagSet) { fs.Float64("v", 0, "") },
	"string":         func(fs *pflag.FlagSet) { fs.String("v", "", "") },
	"duration":       func(fs *pflag.FlagSet) { fs.Duration("v", 0, "") },
	"count":          func(fs *pflag.FlagSet) { fs.Count("v", "") },
	"stringSlice":    func(fs *pflag.FlagSet) { fs.StringSlice("v", nil, "") },
	"stringArray":    func(fs *pflag.FlagSet) { fs.StringArray("v", nil, "") },
	"intSlice":       func(fs *pflag.FlagSet) { fs.IntSlice("v", nil, "") },
	"int32Slice":     func(fs *pflag.FlagSet) { fs.Int32Slice("v", nil, "") },
	"int64Slice":     func(fs *pflag.FlagSet) { fs.Int64Slice("v", nil, "") },
	"uintSlice":      func(fs *pflag.FlagSet) { fs.UintSlice("v", nil, "") },
	"float32Slice":   func(fs *pflag.FlagSet) { fs.Float32Slice("v", nil, "") },
	"float64Slice":   func(fs *pflag.FlagSet) { fs.Float64Slice("v", nil, "") },
	"boolSlice":      func(fs *pflag.FlagSet) { fs.BoolSlice("v", nil, "") },
	"durationSlice":  func(fs *pflag.FlagSet) { fs.DurationSlice("v", nil, "") },
	"ip":             func(fs *pflag.FlagSet) { fs.IP("v", nil, "") },
	"ipSlice":        func(fs *pflag.FlagSet) { fs.IPSlice("v", nil, "") },
	"ipMask":         func(fs *pflag.FlagSet) { fs.IPMask("v", nil, "") },
	"ipNet":          func(fs *pflag.FlagSet) { fs.IPNet("v", net.IPNet{}, "") },
	"bytesHex":       func(fs *pflag.FlagSet) { fs.BytesHex("v", nil, "") },
	"bytesBase64":    func(fs *pflag.FlagSet) { fs.BytesBase64("v", nil, "") },
	"stringToString": func(fs *pflag.FlagSet) { fs.StringToString("v", nil, "") },
	"stringToInt":    func(fs *pflag.FlagSet) { fs.StringToInt("v", nil, "") },
	"stringToInt64":  func(fs *pflag.FlagSet) { fs.StringToInt64("v", nil, "") },
}

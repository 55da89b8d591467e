package flagz

import (
	"encoding/json"
	"github.com/flagz-go/flagz/internal/recovery"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/flagz-go/flagz/schema"
)

// fieldCodec turns the text of one field of a DynStruct into a value of the
// field's type and back. It works on reflect.Values of that type, so one
// codec per kind serves every struct: the codecs of the typed values
// (int64Codec, stringSliceCodec, …) do the parsing and formatting.
type fieldCodec struct {
	typeName string
	syntax   schema.Syntax
	isBool   bool
	safe     bool // parse cannot panic
	parse    func(string) (reflect.Value, error)
	format   func(reflect.Value) string
	equal    func(a, b reflect.Value) bool
	clone    func(reflect.Value) reflect.Value // nil when the kind holds no reference
	// limit, for an integer or float field narrower than 64 bits, is the
	// range its type holds: published as a constraint, so that pre-flight
	// refuses what the field cannot hold.
	limit *schema.Constraint
	// validatorArg converts a field value to what a validator of the
	// typed helpers takes (int64 for every integer kind, float64 for
	// every float kind); nil: the field's own type.
	validatorArg reflect.Type
}

var durationType = reflect.TypeFor[time.Duration]()

// fieldCodecOf returns the codec of a field of type t: bool, integers,
// floats, strings, time.Duration, string slices and string sets by their
// kinds (named types included), any other type as JSON.
func fieldCodecOf(t reflect.Type) *fieldCodec {
	switch {
	case t == durationType:
		return scalarField(t, durationCodec, func(v reflect.Value) time.Duration { return time.Duration(v.Int()) })
	case t.Kind() == reflect.Bool:
		return scalarField(t, boolCodec, reflect.Value.Bool)
	case t.Kind() == reflect.String:
		return scalarField(t, stringCodec, reflect.Value.String)
	case isInt(t.Kind()):
		return intField(t)
	case isUint(t.Kind()):
		return uintField(t)
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return floatField(t)
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		c := scalarField(t, stringSliceCodec, stringsOf)
		c.clone = func(v reflect.Value) reflect.Value {
			return reflect.ValueOf(stringSliceCodec.clone(stringsOf(v))).Convert(t)
		}
		return c
	case t.Kind() == reflect.Map && t.Key().Kind() == reflect.String && t.Elem().Kind() == reflect.Struct && t.Elem().Size() == 0:
		return setField(t)
	default:
		return jsonField(t)
	}
}

// scalarField adapts the codec c of a value type V to fields of type t (V
// or a type of the same kind), whose values get reads as a V.
func scalarField[V any](t reflect.Type, c *codec[V], get func(reflect.Value) V) *fieldCodec {
	return &fieldCodec{
		typeName: c.typeName,
		syntax:   c.syntax,
		isBool:   c.isBool,
		safe:     c.safe,
		parse: func(s string) (reflect.Value, error) {
			v, err := c.parse(s)
			if err != nil {
				return reflect.Value{}, err
			}
			return reflect.ValueOf(v).Convert(t), nil
		},
		format: func(v reflect.Value) string { return c.format(get(v)) },
		equal:  func(a, b reflect.Value) bool { return c.equal(get(a), get(b)) },
	}
}

func stringsOf(v reflect.Value) []string {
	return v.Convert(reflect.TypeFor[[]string]()).Interface().([]string)
}

func isInt(k reflect.Kind) bool {
	return k == reflect.Int || k == reflect.Int8 || k == reflect.Int16 || k == reflect.Int32 || k == reflect.Int64
}

func isUint(k reflect.Kind) bool {
	return k == reflect.Uint || k == reflect.Uint8 || k == reflect.Uint16 || k == reflect.Uint32 ||
		k == reflect.Uint64 || k == reflect.Uintptr
}

// intField reads a signed integer of any size as a dyn_int64, refusing
// what the field's type cannot hold.
func intField(t reflect.Type) *fieldCodec {
	bits := t.Bits()
	c := &fieldCodec{
		typeName: int64Codec.typeName,
		safe:     true,
		parse: func(s string) (reflect.Value, error) {
			n, err := strconv.ParseInt(strings.TrimSpace(s), 0, bits)
			if err != nil {
				return reflect.Value{}, err
			}
			v := reflect.New(t).Elem()
			v.SetInt(n)
			return v, nil
		},
		format:       func(v reflect.Value) string { return strconv.FormatInt(v.Int(), 10) },
		equal:        func(a, b reflect.Value) bool { return a.Int() == b.Int() },
		validatorArg: reflect.TypeFor[int64](),
	}
	if bits < 64 {
		c.limit = &schema.Constraint{Kind: schema.Range,
			Min: strconv.FormatInt(-1<<(bits-1), 10), Max: strconv.FormatInt(1<<(bits-1)-1, 10)}
	}
	return c
}

// uintField reads an unsigned integer as a dyn_int64 of 0 or more (at most
// 2^63-1, the largest a dyn_int64 holds, for 64-bit types).
func uintField(t reflect.Type) *fieldCodec {
	bits := min(t.Bits(), 63)
	return &fieldCodec{
		typeName: int64Codec.typeName,
		safe:     true,
		parse: func(s string) (reflect.Value, error) {
			n, err := strconv.ParseUint(strings.TrimSpace(s), 0, bits)
			if err != nil {
				return reflect.Value{}, err
			}
			v := reflect.New(t).Elem()
			v.SetUint(n)
			return v, nil
		},
		format:       func(v reflect.Value) string { return strconv.FormatUint(v.Uint(), 10) },
		equal:        func(a, b reflect.Value) bool { return a.Uint() == b.Uint() },
		limit:        &schema.Constraint{Kind: schema.Range, Min: "0", Max: strconv.FormatUint(1<<bits-1, 10)},
		validatorArg: reflect.TypeFor[int64](),
	}
}

// floatField reads a float32 or float64 as a dyn_float64.
func floatField(t reflect.Type) *fieldCodec {
	bits := t.Bits()
	c := &fieldCodec{
		typeName: float64Codec.typeName,
		safe:     true,
		parse: func(s string) (reflect.Value, error) {
			f, err := strconv.ParseFloat(strings.TrimSpace(s), bits)
			if err != nil {
				return reflect.Value{}, err
			}
			v := reflect.New(t).Elem()
			v.SetFloat(f)
			return v, nil
		},
		format:       func(v reflect.Value) string { return strconv.FormatFloat(v.Float(), 'g', -1, bits) },
		equal:        func(a, b reflect.Value) bool { return float64Codec.equal(a.Float(), b.Float()) },
		validatorArg: reflect.TypeFor[float64](),
	}
	if bits == 32 {
		c.limit = &schema.Constraint{Kind: schema.Range,
			Min: float64Codec.format(-math.MaxFloat32), Max: float64Codec.format(math.MaxFloat32)}
	}
	return c
}

// setField reads a set of strings (a map from string to an empty struct)
// as a dyn_stringset.
func setField(t reflect.Type) *fieldCodec {
	asSet := func(v reflect.Value) map[string]struct{} {
		if v.Type() == reflect.TypeFor[map[string]struct{}]() {
			return v.Interface().(map[string]struct{})
		}
		set := make(map[string]struct{}, v.Len())
		for _, k := range v.MapKeys() {
			set[k.String()] = struct{}{}
		}
		return set
	}
	fromSet := func(set map[string]struct{}) reflect.Value {
		if t == reflect.TypeFor[map[string]struct{}]() {
			return reflect.ValueOf(set)
		}
		m := reflect.MakeMapWithSize(t, len(set))
		for k := range set {
			m.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), reflect.New(t.Elem()).Elem())
		}
		return m
	}
	c := stringSetCodec
	return &fieldCodec{
		typeName: c.typeName,
		safe:     true,
		parse: func(s string) (reflect.Value, error) {
			set, err := c.parse(s)
			if err != nil {
				return reflect.Value{}, err
			}
			return fromSet(set), nil
		},
		format: func(v reflect.Value) string { return c.format(asSet(v)) },
		equal:  func(a, b reflect.Value) bool { return c.equal(asSet(a), asSet(b)) },
		clone:  func(v reflect.Value) reflect.Value { return fromSet(c.clone(asSet(v))) },
	}
}

// jsonField reads any other type as a JSON document decoded into a fresh
// value, refusing fields the type does not have (as DynJSONOf does).
func jsonField(t reflect.Type) *fieldCodec {
	c := &fieldCodec{
		typeName: "dyn_json",
		syntax:   schema.JSON,
		equal:    func(a, b reflect.Value) bool { return reflect.DeepEqual(a.Interface(), b.Interface()) },
	}
	c.parse = func(s string) (reflect.Value, error) {
		p := reflect.New(t)
		if err := decodeJSONInto(s, p.Interface(), false); err != nil {
			return reflect.Value{}, err
		}
		return p.Elem(), nil
	}
	c.format = func(v reflect.Value) string {
		out, err := json.Marshal(v.Interface())
		if err != nil {
			return "!(json: " + err.Error() + ")"
		}
		return string(out)
	}
	c.clone = func(v reflect.Value) reflect.Value {
		copied, err := c.parseSafely(c.format(v))
		if err != nil {
			return v
		}
		return copied
	}
	return c
}

// parseSafely runs parse, turning a panic (a custom UnmarshalJSON, say)
// into an error.
func (c *fieldCodec) parseSafely(s string) (v reflect.Value, err error) {
	if c.safe {
		return c.parse(s)
	}
	defer recovery.Site{Op: "parser"}.Recover(&err)
	return c.parse(s)
}

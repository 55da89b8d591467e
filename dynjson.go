package flagz

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync/atomic"

	"github.com/flagz-go/flagz/internal/recovery"
	"github.com/flagz-go/flagz/schema"
)

// DynJSONValue is a dynamic flag holding a JSON document decoded into the
// type of the default given to DynJSON. Get returns a pointer of that type as
// an interface value; prefer DynJSONOf for a typed Get.
type DynJSONValue = Dyn[any]

// DynJSON declares a dynamic JSON flag, compatible with go-flagz: value must
// be a pointer (usually to a struct); each Set decodes into a fresh value of
// that type, and Get returns it as `any`. The default is deep-copied, never
// aliased. DynJSON panics if value is not a non-nil pointer, as flag
// redeclaration does: it is a programming error found at start-up.
func DynJSON[F FlagSet](fs F, name string, value any, usage string) *DynJSONValue {
	rv := reflect.ValueOf(value)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		panic(fmt.Sprintf("flagz: DynJSON %q: default must be a non-nil pointer, got %T", name, value))
	}
	elem := rv.Type().Elem()
	c := &codec[any]{
		typeName: "dyn_json",
		syntax:   schema.JSON,
		parse: func(s string) (any, error) {
			p := reflect.New(elem).Interface()
			if err := json.Unmarshal([]byte(s), p); err != nil {
				return nil, err
			}
			return p, nil
		},
		format: formatJSON[any],
		equal:  func(a, b any) bool { return reflect.DeepEqual(a, b) },
	}
	c.clone = func(v any) any { return cloneJSON(c, v) }
	return newDyn(fs, name, value, usage, c)
}

// DynJSONOf declares a dynamic flag holding a JSON document decoded into T,
// with a typed Get. T is usually a struct or a pointer to one; every Set
// decodes into a fresh T, and the default is deep-copied.
//
// A field of the document that T does not have (a misspelt name, say) is
// refused as a parse error, since decoding would drop it silently and leave
// the field meant zero; AllowUnknownFields lifts that. Fields T has and the
// document lacks are zero, as with encoding/json. DynJSON, go-flagz's
// untyped form, decodes as go-flagz did and ignores unknown fields.
func DynJSONOf[T any, F FlagSet](fs F, name string, value T, usage string) *Dyn[T] {
	allow := new(atomic.Bool)
	c := &codec[T]{
		typeName:     "dyn_json",
		syntax:       schema.JSON,
		parse:        func(s string) (T, error) { return decodeJSON[T](s, allow.Load()) },
		format:       formatJSON[T],
		equal:        func(a, b T) bool { return reflect.DeepEqual(a, b) },
		allowUnknown: allow,
	}
	c.clone = func(v T) T { return cloneJSON(c, v) }
	return newDyn(fs, name, value, usage, c)
}

// AllowUnknownFields makes a flag declared with DynJSONOf accept documents
// with fields its type does not have, ignoring them as encoding/json does.
// It does nothing to other flags. It returns d for chaining.
func (d *Dyn[T]) AllowUnknownFields() *Dyn[T] {
	if d.codec.allowUnknown != nil {
		d.codec.allowUnknown.Store(true)
	}
	return d
}

// errTrailingData refuses text after the JSON document.
var errTrailingData = errors.New("text after the JSON document")

// decodeJSON decodes one JSON document into a fresh T, refusing fields T
// does not have unless allowUnknown.
func decodeJSON[T any](s string, allowUnknown bool) (T, error) {
	var v T
	err := decodeJSONInto(s, &v, allowUnknown)
	return v, err
}

// decodeJSONInto decodes one JSON document into what p points to,
// refusing fields it does not have unless allowUnknown.
func decodeJSONInto(s string, p any, allowUnknown bool) error {
	if allowUnknown {
		return json.Unmarshal([]byte(s), p)
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(p); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errTrailingData
	}
	return nil
}

func formatJSON[T any](v T) string {
	out, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("!(json: %v)", err)
	}
	return string(out)
}

// cloneJSON deep-copies v through its JSON form; a value that does not
// survive the trip (an error, or a panic of its MarshalJSON or
// UnmarshalJSON) is kept as given.
func cloneJSON[T any](c *codec[T], v T) T {
	copied, err := roundTripJSON(c, v)
	if err != nil {
		return v
	}
	return copied
}

// roundTripJSON encodes v and decodes the result, turning a panic into an
// error.
func roundTripJSON[T any](c *codec[T], v T) (copied T, err error) {
	defer recovery.Site{Op: "copying a JSON value"}.Recover(&err)
	out, err := json.Marshal(v)
	if err != nil {
		return copied, err
	}
	return c.parse(string(out))
}

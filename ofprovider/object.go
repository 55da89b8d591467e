package ofprovider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"

	"github.com/open-feature/go-sdk/openfeature"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// ObjectEvaluation answers for a string slice or set (as []any, a set
// sorted), a JSON or proto value (as the maps and slices encoding/json
// gives), or a list flag flagz did not declare. The answer is converted
// once per version of the value and shared: never modify it.
func (p *Provider) ObjectEvaluation(_ context.Context, name string, def any, _ openfeature.FlattenedContext) openfeature.InterfaceResolutionDetail {
	fl := p.flag(name)
	if fl == nil {
		return openfeature.InterfaceResolutionDetail{Value: def, ProviderResolutionDetail: notFound(name)}
	}
	switch fl.kind {
	case kindObject:
		v, err := fl.plainValue()
		if err != nil {
			return openfeature.InterfaceResolutionDetail{Value: def, ProviderResolutionDetail: failed(
				openfeature.NewParseErrorResolutionError(fmt.Sprintf("flag %q: its value has no JSON form", name), err))}
		}
		return openfeature.InterfaceResolutionDetail{Value: v, ProviderResolutionDetail: fl.resolved(p.metadata)}
	case kindCopied:
		if c := fl.copied.Load(); c.kind == kindObject {
			return openfeature.InterfaceResolutionDetail{Value: c.list, ProviderResolutionDetail: c.resolved}
		}
	}
	return openfeature.InterfaceResolutionDetail{Value: def, ProviderResolutionDetail: p.mismatch(fl, "an object")}
}

// objectValue is the plain form of one version of a value.
type objectValue struct {
	of    any // the value converted, kept so that its address is not reused
	plain any
}

// plainValue returns the plain form of the flag's current value,
// converting it only when the value is another one than last time.
func (fl *flagEntry) plainValue() (any, error) {
	cur := fl.h.Current()
	if o := fl.object.Load(); o != nil && sameValue(o.of, cur) {
		return o.plain, nil
	}
	plain, err := toPlain(cur)
	if err != nil {
		return nil, err
	}
	if identified(cur) {
		fl.object.Store(&objectValue{of: cur, plain: plain})
	}
	return plain, nil
}

// identified reports whether a value's identity tells its versions apart:
// flagz never modifies a value it stored, so a pointer, map or slice of the
// same address and length is the same version.
func identified(v any) bool {
	switch reflect.ValueOf(v).Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice:
		return true
	}
	return false
}

func sameValue(a, b any) bool {
	ra, rb := reflect.ValueOf(a), reflect.ValueOf(b)
	if !ra.IsValid() || !rb.IsValid() {
		return false
	}
	if ra.Kind() != rb.Kind() || ra.Type() != rb.Type() || !identified(a) {
		return false
	}
	if ra.Kind() == reflect.Slice && ra.Len() != rb.Len() {
		return false
	}
	return ra.Pointer() == rb.Pointer()
}

// toPlain converts a value flagz declared to the structures OpenFeature
// expects of an object: maps, slices, strings, float64s, bools and nil.
func toPlain(v any) (any, error) {
	switch v := v.(type) {
	case []string:
		out := make([]any, len(v))
		for i, s := range v {
			out[i] = s
		}
		return out, nil
	case map[string]struct{}:
		out := make([]any, 0, len(v))
		for _, s := range slices.Sorted(maps.Keys(v)) {
			out = append(out, s)
		}
		return out, nil
	case proto.Message:
		b, err := protojson.Marshal(v)
		if err != nil {
			return nil, err
		}
		return decode(b)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return decode(b)
}

func decode(b []byte) (any, error) {
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}

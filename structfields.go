package flagz

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode"
)

// fieldSpec is one field of a DynStruct's type that becomes a flag.
type fieldSpec struct {
	name      string // the flag's name, with the struct's name before it
	index     []int  // reflect's index path from the struct to the field
	usage     string
	sensitive bool
	codec     *fieldCodec
}

// The tags of a DynStruct's fields.
const (
	nameTag  = "flagz" // `flagz:"name,sensitive"`, `flagz:"-"`
	usageTag = "usage" // `usage:"requests per second"`
)

// structFields lists the fields of struct type t that become flags, their
// names starting with prefix ("" or "name."), in the order they are
// declared. It reports a field tag it cannot read and two fields with one
// name.
func structFields(t reflect.Type, prefix string) ([]fieldSpec, error) {
	var out []fieldSpec
	if err := walkStruct(t, prefix, nil, &out); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, f := range out {
		if seen[f.name] {
			return nil, fmt.Errorf("two fields are named %q", f.name)
		}
		seen[f.name] = true
	}
	return out, nil
}

func walkStruct(t reflect.Type, prefix string, index []int, out *[]fieldSpec) error {
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get(nameTag)
		if tag == "-" || !sf.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		sensitive := false
		for opt := range strings.SplitSeq(opts, ",") {
			switch opt {
			case "":
			case "sensitive":
				sensitive = true
			default:
				return fmt.Errorf("field %s: tag %s:%q: unknown option %q", sf.Name, nameTag, tag, opt)
			}
		}
		path := append(slices.Clip(index), i)
		if flattened(sf.Type) {
			inner := prefix
			if !sf.Anonymous || name != "" { // an embedded struct's fields are promoted, as in JSON
				inner = prefix + orElse(name, kebab(sf.Name)) + "."
			}
			if err := walkStruct(sf.Type, inner, path, out); err != nil {
				return err
			}
			continue
		}
		*out = append(*out, fieldSpec{
			name:      prefix + orElse(name, kebab(sf.Name)),
			index:     path,
			usage:     sf.Tag.Get(usageTag),
			sensitive: sensitive,
			codec:     fieldCodecOf(sf.Type),
		})
	}
	return nil
}

// flattened reports whether a field of type t is a nested struct whose
// fields become flags of their own: a struct that does not decode itself
// (a time.Time, or a type with UnmarshalJSON or UnmarshalText, is one
// value, written as JSON).
func flattened(t reflect.Type) bool {
	if t.Kind() != reflect.Struct || t == reflect.TypeFor[time.Time]() {
		return false
	}
	p := reflect.PointerTo(t)
	return !p.Implements(reflect.TypeFor[json.Unmarshaler]()) && !p.Implements(reflect.TypeFor[encoding.TextUnmarshaler]())
}

// orElse returns a unless it is empty, then b.
func orElse(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// kebab writes a Go field name as a flag name: lower case, words joined
// by "-" ("RateLimit" → "rate-limit", "MaxQPS" → "max-qps", "HTTPTimeout"
// → "http-timeout").
func kebab(name string) string {
	runes := []rune(name)
	var b strings.Builder
	for i, r := range runes {
		if i > 0 && unicode.IsUpper(r) {
			prev := runes[i-1]
			nextLower := i+1 < len(runes) && unicode.IsLower(runes[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
				b.WriteByte('-')
			}
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

package debug

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"
)

// maxJSONDiff bounds how many differences jsonDiff lists for one flag.
const maxJSONDiff = 20

// jsonDiff lists where the JSON document value differs from def: object
// members are compared key by key, recursively; anything else (arrays,
// scalars, a type that changed) is compared as a whole. Either text not
// being JSON gives no difference.
func jsonDiff(def, value string) []JSONDiff {
	a, errA := decodeJSON(def)
	b, errB := decodeJSON(value)
	if errA != nil || errB != nil {
		return nil
	}
	var out []JSONDiff
	diffAt("", a, b, &out)
	return out
}

func decodeJSON(text string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

func diffAt(path string, a, b any, out *[]JSONDiff) {
	if len(*out) >= maxJSONDiff {
		return
	}
	ma, okA := a.(map[string]any)
	mb, okB := b.(map[string]any)
	if !okA || !okB {
		ra, rb := compact(a), compact(b)
		if !bytes.Equal(ra, rb) {
			if path == "" {
				path = "/"
			}
			*out = append(*out, JSONDiff{Path: path, Default: ra, Value: rb})
		}
		return
	}
	keys := slices.Sorted(maps.Keys(ma))
	for k := range mb {
		if _, ok := ma[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		if len(*out) >= maxJSONDiff {
			return
		}
		va, inA := ma[k]
		vb, inB := mb[k]
		p := path + "/" + pointerEscaper.Replace(k)
		switch {
		case inA && inB:
			diffAt(p, va, vb, out)
		case inA:
			*out = append(*out, JSONDiff{Path: p, Default: compact(va)})
		default:
			*out = append(*out, JSONDiff{Path: p, Value: compact(vb)})
		}
	}
}

// pointerEscaper escapes a member name in a JSON Pointer (RFC 6901).
var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// compact encodes a decoded JSON value; maps come out with sorted keys, so
// equal values encode equally.
func compact(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}

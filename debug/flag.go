package debug

import (
	"encoding/json"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/schema"
)

// Flag is one flag on the page: the engine's state of it as the engine
// records it (flagz.FlagState, whose JSON form is the page's: name, type,
// value, default, last_change, held_by, pending, history, …), and what the
// page works out from it. The engine has redacted every value of a
// sensitive flag already.
type Flag struct {
	flagz.FlagState
	// LastRejection is the last value a source offered that the flag
	// refused (it did not parse or validate), and whether the flag refuses
	// it still; absent if none was. A static flag's change that waits for a
	// restart is not a rejection: it is in Pending (and History).
	LastRejection *Rejection `json:"last_rejection,omitempty"`
	// DiffersFromSource is true when the value was set through the setter
	// and no other source holds it: a restart, or the next change of a
	// source, will replace it.
	DiffersFromSource bool `json:"differs_from_source,omitempty"`
	// JSONDiff lists where a changed JSON value differs from its default,
	// key by key (at most maxJSONDiff entries). Absent for other values and
	// sensitive flags.
	JSONDiff []JSONDiff `json:"json_diff,omitempty"`
}

// JSONDiff is one place where a JSON value differs from its default. Path
// is a JSON Pointer (RFC 6901) to an object member; Default or Value is
// absent when the member is missing on that side.
type JSONDiff struct {
	Path    string          `json:"path"`
	Default json.RawMessage `json:"default,omitempty"`
	Value   json.RawMessage `json:"value,omitempty"`
}

// newFlag turns a flag's state into its entry on the page; withDiff adds
// the JSON difference from the default. The entry shares st's slices: a
// caller that keeps it past the visit (which reuses HeldBy's array)
// clones HeldBy.
func newFlag(st *flagz.FlagState, withDiff bool) Flag {
	f := Flag{FlagState: *st, LastRejection: newRejection(st)}
	others := false
	for _, hd := range st.HeldBy {
		others = others || (hd.Source != SourceName && hd.Matches)
	}
	f.DiffersFromSource = st.LastChange != nil && st.LastChange.Source == SourceName && !st.LastChange.Removed && !others
	if withDiff {
		f.JSONDiff = flagJSONDiff(&f.FlagState)
	}
	return f
}

// flagJSONDiff is the difference of a changed JSON value from its default;
// nil for other values and for sensitive flags.
func flagJSONDiff(st *flagz.FlagState) []JSONDiff {
	if st.Sensitive || !st.Changed || (st.Syntax != schema.JSON && st.Syntax != schema.Proto) {
		return nil
	}
	return jsonDiff(st.Default, st.Value)
}

package flagz

import (
	"flag"
	"reflect"

	"github.com/spf13/pflag"
)

// formalFields locate, in each flag set type, the map of every flag it
// holds: both pflag and the standard library have called it "formal" since
// their first versions. A nil index (a future version without it) makes
// flagCount answer false, and its callers walk the flags instead.
var (
	pflagFormal = formalIndex(reflect.TypeFor[pflag.FlagSet]())
	stdFormal   = formalIndex(reflect.TypeFor[flag.FlagSet]())
)

func formalIndex(t reflect.Type) []int {
	f, ok := t.FieldByName("formal")
	if !ok || f.Type.Kind() != reflect.Map {
		return nil
	}
	return f.Index
}

// flagCount returns how many flags fs holds, in constant time: the length
// of its map of flags, read through reflection without copying it. A flag
// set never drops or replaces a flag, so a count that moved means new
// flags. ok is false when the count cannot be read. Call it under fsMu, as
// any read of the flag set.
func flagCount(fs flagSet) (n int, ok bool) {
	switch s := fs.(type) {
	case pflagSet:
		return formalLen(s.fs, pflagFormal)
	case *stdFlagSetView:
		return formalLen(s.fs, stdFormal)
	}
	return 0, false
}

func formalLen[S any](fs *S, index []int) (int, bool) {
	if index == nil || fs == nil {
		return 0, false
	}
	return reflect.ValueOf(fs).Elem().FieldByIndex(index).Len(), true
}

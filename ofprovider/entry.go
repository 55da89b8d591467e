package ofprovider

import (
	"encoding/csv"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/record"
	"github.com/open-feature/go-sdk/openfeature"
)

// kind says how a flag answers evaluations.
type kind int

const (
	kindBool      kind = iota // *flagz.DynBoolValue
	kindInt                   // *flagz.DynInt64Value
	kindFloat                 // *flagz.DynFloat64Value
	kindString                // *flagz.DynStringValue
	kindDuration              // *flagz.DynDurationValue: its text
	kindRollout               // *flagz.DynRolloutValue
	kindObject                // any other value flagz declared: lists, sets, JSON, proto
	kindCopied                // a flag flagz did not declare, read from a copy
	kindSensitive             // a sensitive flag: never served
)

// flagEntry is the provider's view of one flag.
type flagEntry struct {
	h    flagz.FlagHandle
	kind kind
	v    any // the flag's value (the *flagz.Dyn… for flagz's own)

	dynamic bool // fixed when the entry is made
	// field: a scalar field of a flagz.DynStruct, read through the handle's
	// Current (its Value is no typed value to assert).
	field bool

	detail atomic.Pointer[detail]      // the reason and metadata of the value's current version
	copied atomic.Pointer[copiedValue] // kindCopied: the last copy
	object atomic.Pointer[objectValue] // kindObject: the last conversion
}

// detail is the answer's reason and metadata for one version of a value
// flagz declared, made once and shared by every evaluation of it.
type detail struct {
	change    *record.Change
	isDefault bool
	resolved  openfeature.ProviderResolutionDetail
}

func (p *Provider) newEntry(h flagz.FlagHandle, st *flagz.FlagState) *flagEntry {
	fl := &flagEntry{h: h, v: h.Value(), dynamic: st.Dynamic}
	if st.Sensitive {
		fl.kind = kindSensitive
		return fl
	}
	switch fl.v.(type) {
	case *flagz.DynBoolValue:
		fl.kind = kindBool
	case *flagz.DynInt64Value:
		fl.kind = kindInt
	case *flagz.DynFloat64Value:
		fl.kind = kindFloat
	case *flagz.DynStringValue:
		fl.kind = kindString
	case *flagz.DynDurationValue:
		fl.kind = kindDuration
	case *flagz.DynRolloutValue:
		fl.kind = kindRollout
	default:
		if h.Declared() {
			fl.kind, fl.field = declaredKind(fl.v)
		} else {
			fl.kind = kindCopied
			fl.copyFrom(st, p.metadata)
		}
	}
	return fl
}

// declaredKind tells how a value flagz declared answers when it is none
// of the typed values: a scalar field of a struct (flagz.DynStruct) by
// its type name, like the typed value of that type; lists, sets, JSON and
// proto as objects.
func declaredKind(v any) (kind, bool) {
	t, ok := v.(interface{ Type() string })
	if !ok {
		return kindObject, false
	}
	switch t.Type() {
	case "dyn_bool":
		return kindBool, true
	case "dyn_int64":
		return kindInt, true
	case "dyn_float64":
		return kindFloat, true
	case "dyn_string":
		return kindString, true
	case "dyn_duration":
		return kindDuration, true
	}
	return kindObject, false
}

// scalar returns the current value of a struct's field as reflect sees it.
func (fl *flagEntry) scalar() reflect.Value { return reflect.ValueOf(fl.h.Current()) }

func (fl *flagEntry) boolValue() bool {
	if fl.field {
		return fl.scalar().Bool()
	}
	return fl.v.(*flagz.DynBoolValue).Get()
}

func (fl *flagEntry) intValue() int64 {
	if !fl.field {
		return fl.v.(*flagz.DynInt64Value).Get()
	}
	v := fl.scalar()
	if v.CanUint() {
		return int64(v.Uint()) // a field holds at most 2^63-1
	}
	return v.Int()
}

func (fl *flagEntry) floatValue() float64 {
	if fl.field {
		return fl.scalar().Float()
	}
	return fl.v.(*flagz.DynFloat64Value).Get()
}

func (fl *flagEntry) stringValue() string {
	switch {
	case fl.field && fl.kind == kindDuration:
		return time.Duration(fl.scalar().Int()).String()
	case fl.field:
		return fl.scalar().String()
	case fl.kind == kindDuration:
		return fl.v.(*flagz.DynDurationValue).String()
	}
	return fl.v.(*flagz.DynStringValue).Get()
}

// resolved returns the reason and metadata of a flagz value as it is now.
func (fl *flagEntry) resolved(withMetadata bool) openfeature.ProviderResolutionDetail {
	change, isDefault := fl.h.LastChange(), false
	if fl.kind != kindRollout { // a rollout's reason is SPLIT whatever its value
		isDefault = fl.h.IsDefault()
	}
	if d := fl.detail.Load(); d != nil && d.change == change && d.isDefault == isDefault {
		return d.resolved
	}
	d := &detail{change: change, isDefault: isDefault}
	d.resolved.Reason = openfeature.StaticReason
	switch {
	case fl.kind == kindRollout:
		d.resolved.Reason = openfeature.SplitReason
	case isDefault:
		d.resolved.Reason = openfeature.DefaultReason
	}
	if withMetadata {
		d.resolved.FlagMetadata = metadata(fl.dynamic, change)
	}
	fl.detail.Store(d)
	return d.resolved
}

// metadata is the FlagMetadata of a value last changed by change.
func metadata(dynamic bool, change *record.Change) openfeature.FlagMetadata {
	md := openfeature.FlagMetadata{"dynamic": dynamic}
	if change != nil && !change.Removed {
		md["source"] = change.Source
		md["revision"] = change.Revision
	}
	return md
}

// copiedValue is a copy of a flag flagz did not declare, parsed once.
type copiedValue struct {
	kind     kind // kindBool, kindInt, kindFloat, kindString, kindDuration, kindObject (a list)
	b        bool
	i        int64
	f        float64
	s        string
	list     []any
	resolved openfeature.ProviderResolutionDetail
}

// copyFrom takes a new copy of a flag flagz did not declare from its state.
func (fl *flagEntry) copyFrom(st *flagz.FlagState, withMetadata bool) {
	c := &copiedValue{kind: copiedKind(fl.v), s: st.Value}
	var err error
	switch c.kind {
	case kindBool:
		c.b, err = strconv.ParseBool(st.Value)
	case kindInt:
		c.i, err = strconv.ParseInt(st.Value, 0, 64)
		c.f = float64(c.i)
	case kindFloat:
		c.f, err = strconv.ParseFloat(st.Value, 64)
	case kindObject:
		c.list = splitList(st.Value)
	}
	if err != nil {
		c.kind = kindString // unsigned beyond int64, say: its text is what is left
	}
	c.resolved.Reason = openfeature.DefaultReason
	if st.Changed {
		c.resolved.Reason = openfeature.StaticReason
	}
	if withMetadata {
		c.resolved.FlagMetadata = metadata(st.Dynamic, st.LastChange)
	}
	fl.copied.Store(c)
}

// copiedKind tells how a flag.Value flagz did not declare answers, from its
// type alone (reading it would race with the flag set's writers): pflag's
// and the standard package's values are named types over bool, int…, float…
// or string; pflag's lists print as "[a,b]".
func copiedKind(v any) kind {
	if t, ok := v.(interface{ Type() string }); ok {
		switch t.Type() {
		case "stringSlice", "stringArray":
			return kindObject
		case "duration":
			return kindDuration
		}
	}
	rt := reflect.TypeOf(v)
	if rt == nil {
		return kindString
	}
	if rt.Kind() == reflect.Pointer {
		rt = rt.Elem()
	}
	if rt == reflect.TypeFor[time.Duration]() || rt.Name() == "durationValue" {
		return kindDuration
	}
	switch rt.Kind() {
	case reflect.Bool:
		return kindBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return kindInt
	case reflect.Float32, reflect.Float64:
		return kindFloat
	}
	return kindString
}

// splitList reads pflag's text of a string slice: "[a,b]", its items
// written as CSV.
func splitList(s string) []any {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	list := []any{}
	if s == "" {
		return list
	}
	items, err := csv.NewReader(strings.NewReader(s)).Read()
	if err != nil {
		return append(list, s)
	}
	for _, item := range items {
		list = append(list, item)
	}
	return list
}

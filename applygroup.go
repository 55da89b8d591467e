package flagz

import (
	"log/slog"
	"slices"
	"strings"

	"github.com/flagz-go/flagz/record"
)

// fieldGroup is what the engine needs of a struct whose fields are flags
// (DynStruct): to change several of its fields as one change.
type fieldGroup interface {
	changeFields(changes []fieldChange, logger *slog.Logger, hold func(), tell *directSet)
}

// fieldChange is one field of a struct set to input, or returned to its
// default (removed), in one change of the struct; changeFields fills in
// the result.
type fieldChange struct {
	field   dynamicValue // the field's flag value
	input   string
	removed bool

	err      error
	old, new string
	changed  bool
}

// groupMember is implemented by the flags of a struct's fields.
type groupMember interface{ fields() fieldGroup }

// groupOf returns the struct v is a field of, or nil.
func groupOf(v dynamicValue) fieldGroup {
	if m, ok := v.(groupMember); ok {
		return m.fields()
	}
	return nil
}

// groupItem is one name of a batch that is a struct's field.
type groupItem struct {
	en      *entry
	name    string
	value   string
	removed bool
	c       setContext // for a set
}

// groupBatch is the names of one batch that are fields of one struct.
type groupBatch struct {
	g     fieldGroup
	items []groupItem
}

// addGroupItem files it under its struct among groups.
func addGroupItem(groups []groupBatch, it groupItem) []groupBatch {
	for i := range groups {
		if groups[i].g == it.en.group {
			groups[i].items = append(groups[i].items, it)
			return groups
		}
	}
	return append(groups, groupBatch{g: it.en.group, items: []groupItem{it}})
}

// applyGroup applies the names of one batch that are fields of one struct
// as one change of the struct (see DynStructValue), for the source called
// source, and returns their outcomes in the order of gb.items, which it
// sorts by name. It holds the fields' entry.mu, in name order, from the
// parsing to the record, and their commit locks from the swap to the
// record, as set does for one flag. watch is told what the change waits
// on: the fields' locks, then the parsers and validators (the struct's
// too).
func (e *Engine) applyGroup(source string, rev int64, gb groupBatch, logger *slog.Logger, watch *batchWatch) []Outcome {
	items := gb.items
	slices.SortFunc(items, func(a, b groupItem) int { return strings.Compare(a.name, b.name) })
	watch.at(record.WaitFlag)
	for _, it := range items {
		it.en.mu.Lock()
		defer it.en.mu.Unlock()
	}
	changes := make([]fieldChange, len(items))
	for i, it := range items {
		changes[i] = fieldChange{field: it.en.dyn, input: it.value, removed: it.removed}
	}
	held := false
	watch.at(record.WaitChecks)
	gb.g.changeFields(changes, logger, func() {
		watch.at(waitNone)
		for _, it := range items {
			it.en.commit.Lock()
		}
		held = true
	}, nil)
	watch.at(waitNone)
	if !held {
		for _, it := range items {
			it.en.commit.Lock()
		}
	}
	out := make([]Outcome, len(items))
	for i, it := range items {
		en, c := it.en, changes[i]
		sensitive := en.sensitive()
		if it.removed {
			out[i] = e.settle(en, source, rev, redact(en.dyn.defaultString(), sensitive), c.old, c.new, c.changed, true, nil)
			out[i].Removed = true
			continue
		}
		out[i] = e.settle(en, source, rev, shownValue(it.value, sensitive, en.dyn.maxValueSize()), c.old, c.new, c.changed, false, c.err)
		if given, ok := it.c.given(it.name); ok && out[i].Result == record.Applied && !en.overrode {
			en.overrode = true
			out[i].given = given.redacted(sensitive)
		}
	}
	for _, it := range items {
		it.en.commit.Unlock()
	}
	return out
}

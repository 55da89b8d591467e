package flagz

import (
	"errors"
	"maps"
	"slices"
	"strings"
)

// DynStringSliceValue is a dynamic []string flag. Each Set replaces the whole
// list; it never appends.
type DynStringSliceValue = Dyn[[]string]

// DynStringSetValue is a dynamic set of strings. Each Set replaces the whole
// set. Get returns a shared map that must not be modified.
type DynStringSetValue struct {
	*Dyn[map[string]struct{}]
}

var (
	stringSliceCodec = &codec[[]string]{
		typeName: "dyn_stringslice",
		parse:    parseList,
		format:   formatList,
		equal:    slices.Equal[[]string],
		clone:    func(s []string) []string { return append([]string{}, s...) },
		safe:     true,
	}
	stringSetCodec = &codec[map[string]struct{}]{
		typeName: "dyn_stringset",
		parse: func(s string) (map[string]struct{}, error) {
			items, err := parseList(s)
			if err != nil {
				return nil, err
			}
			return buildStringSet(items), nil
		},
		format: func(set map[string]struct{}) string { return formatList(slices.Sorted(maps.Keys(set))) },
		equal:  maps.Equal[map[string]struct{}, map[string]struct{}],
		clone:  maps.Clone[map[string]struct{}],
		safe:   true,
	}
)

// DynStringSlice declares a dynamic list of strings on fs. Input is comma
// separated; white space around items is dropped; an item holding a comma, a
// quote or outer white space is written in double quotes, with "" for a
// quote inside. Empty input is an empty list.
func DynStringSlice[F FlagSet](fs F, name string, value []string, usage string) *DynStringSliceValue {
	return newDyn(fs, name, value, usage, stringSliceCodec)
}

// DynStringSet declares a dynamic set of strings on fs. Input is written as
// for DynStringSlice; duplicates collapse and String lists the items sorted.
func DynStringSet[F FlagSet](fs F, name string, value []string, usage string) *DynStringSetValue {
	d := &DynStringSetValue{buildDyn(name, buildStringSet(value), stringSetCodec)}
	registerDyn(fs, d.Dyn, d, usage)
	return d
}

// Contains reports whether item is in the current set.
func (d *DynStringSetValue) Contains(item string) bool {
	_, ok := d.Get()[item]
	return ok
}

// WithValidator adds a validator; see Dyn.WithValidator.
func (d *DynStringSetValue) WithValidator(validator func(map[string]struct{}) error) *DynStringSetValue {
	d.Dyn.WithValidator(validator)
	return d
}

// WithNotifier adds a notifier; see Dyn.WithNotifier.
func (d *DynStringSetValue) WithNotifier(notifier func(oldValue, newValue map[string]struct{})) *DynStringSetValue {
	d.Dyn.WithNotifier(notifier)
	return d
}

// WithSensitive marks the value secret; see Dyn.WithSensitive.
func (d *DynStringSetValue) WithSensitive() *DynStringSetValue {
	d.Dyn.WithSensitive()
	return d
}

// WithFileFlag adds a "<name>_path" companion flag; see Dyn.WithFileFlag.
func (d *DynStringSetValue) WithFileFlag(defaultFilePath string) *DynStringSetValue {
	d.Dyn.WithFileFlag(defaultFilePath)
	return d
}

func buildStringSet(items []string) map[string]struct{} {
	set := make(map[string]struct{}, len(items))
	for _, item := range items {
		set[item] = struct{}{}
	}
	return set
}

var errUnterminatedQuote = errors.New("unterminated quoted item")

// parseList splits comma-separated input. Unquoted items are trimmed; a
// quoted item keeps its text exactly, with "" standing for one quote.
func parseList(s string) ([]string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return []string{}, nil
	}
	items := make([]string, 0, strings.Count(s, ",")+1)
	for {
		s = strings.TrimLeft(s, " \t\r\n")
		var item string
		if strings.HasPrefix(s, `"`) {
			var err error
			item, s, err = parseQuoted(s)
			if err != nil {
				return nil, err
			}
			s = strings.TrimLeft(s, " \t\r\n")
			if s != "" && s[0] != ',' {
				return nil, errors.New("text after a closing quote")
			}
		} else {
			end := strings.IndexByte(s, ',')
			if end < 0 {
				end = len(s)
			}
			item, s = strings.TrimSpace(s[:end]), s[end:]
		}
		items = append(items, item)
		if s == "" {
			return items, nil
		}
		s = s[1:] // the comma
	}
}

// parseQuoted reads a quoted item at the start of s and returns it and the
// rest of s.
func parseQuoted(s string) (item, rest string, err error) {
	var b strings.Builder
	s = s[1:]
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			return "", "", errUnterminatedQuote
		}
		b.WriteString(s[:i])
		s = s[i+1:]
		if !strings.HasPrefix(s, `"`) {
			return b.String(), s, nil
		}
		b.WriteByte('"')
		s = s[1:]
	}
}

// formatList writes items as DynStringSlice and DynStringSet read them:
// comma separated, with an item holding a comma, a quote or outer white
// space in double quotes ("" for a quote inside). Sources that turn
// structured lists (YAML, JSON) into flag text use it.
func formatList(items []string) string {
	if len(items) == 1 && items[0] == "" {
		return `""`
	}
	var b strings.Builder
	for i, item := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		if needsQuotes(item) {
			b.WriteByte('"')
			b.WriteString(strings.ReplaceAll(item, `"`, `""`))
			b.WriteByte('"')
		} else {
			b.WriteString(item)
		}
	}
	return b.String()
}

func needsQuotes(item string) bool {
	return strings.ContainsAny(item, `,"`) || strings.TrimSpace(item) != item
}

package presence

import (
	"maps"
	"slices"
	"strings"
)

// cutValues returns values with every value cut (Cut): values itself if
// none needs it, else a copy.
func cutValues(values map[string]string) map[string]string {
	var out map[string]string
	for name, v := range values {
		if c := Cut(v); c != v {
			if out == nil {
				out = maps.Clone(values)
			}
			out[name] = c
		}
	}
	if out == nil {
		return values
	}
	return out
}

// cutRejections returns list with every value and reason cut (Cut): list
// itself if none needs it, else a copy.
func cutRejections(list []Rejection) []Rejection {
	return mapRejections(list, Cut)
}

// mapRejections returns list with f applied to every value and reason:
// list itself if f changes none, else a copy.
func mapRejections(list []Rejection, f func(string) string) []Rejection {
	var out []Rejection
	for i, r := range list {
		v, reason := f(r.Value), f(r.Reason)
		if v == r.Value && reason == r.Reason {
			continue
		}
		if out == nil {
			out = slices.Clone(list)
		}
		out[i].Value, out[i].Reason = v, reason
	}
	if out == nil {
		return list
	}
	return out
}

// markOnly returns s reduced to its mark (a cut keeping no head), or s if
// it is not longer than that. A text cut already keeps its mark, which is
// of the whole.
func markOnly(s string) string {
	if IsCut(s) {
		return s[strings.LastIndex(s, cutOpen):]
	}
	if m := cutTo(s, 0); len(m) < len(s) {
		return m
	}
	return s
}

// shrinkValues reduces the largest values of values (a copy) to their
// marks until about over bytes of JSON are saved, and returns them.
func shrinkValues(values map[string]string, over int) map[string]string {
	out := maps.Clone(values)
	names := slices.SortedFunc(maps.Keys(out), func(a, b string) int {
		if d := len(out[b]) - len(out[a]); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	for _, name := range names {
		if over <= 0 {
			break
		}
		v := out[name]
		m := markOnly(v)
		over -= len(appendJSONString(nil, v)) - len(appendJSONString(nil, m))
		out[name] = m
	}
	return out
}

// fit encodes x with encode, and while the result is larger than
// MaxRecordBytes makes x smaller with each of steps in turn, until it
// fits or the steps run out: then it returns the smallest it got.
func fit[T any](x T, encode func(T) ([]byte, error), steps ...func(T, int) T) ([]byte, error) {
	out, err := encode(x)
	for _, step := range steps {
		if err != nil || len(out) <= MaxRecordBytes {
			break
		}
		x = step(x, len(out)-MaxRecordBytes)
		out, err = encode(x)
	}
	return out, err
}

// statusSteps make a status smaller, least lost first: its largest values
// reduced to their marks, the refusals' and problems' texts to theirs,
// then its values dropped (names listed in Dropped), then its ended
// refusals (Refused) dropped. Revision, checksum, state, rejections by
// flag and problems always stay.
var statusSteps = []func(Status, int) Status{
	func(s Status, over int) Status { s.Values = shrinkValues(s.Values, over); return s },
	func(s Status, over int) Status { s.Values = shrinkValues(s.Values, 1<<62); return s },
	func(s Status, _ int) Status {
		s.Rejections = mapRejections(s.Rejections, markOnly)
		s.Refused = mapRejections(s.Refused, markOnly)
		s.Problems = mapProblems(s.Problems, markOnly)
		return s
	},
	func(s Status, _ int) Status {
		s.Dropped = slices.Sorted(maps.Keys(s.Values))
		s.Values = nil
		return s
	},
	func(s Status, _ int) Status { s.Refused = nil; return s },
}

// infoSteps make an info smaller: its largest values reduced to their
// marks, then its values dropped (names listed in Dropped).
var infoSteps = []func(Info, int) Info{
	func(i Info, over int) Info { i.Values = shrinkValues(i.Values, over); return i },
	func(i Info, over int) Info { i.Values = shrinkValues(i.Values, 1<<62); return i },
	func(i Info, _ int) Info {
		i.Dropped = append(i.Dropped, slices.Sorted(maps.Keys(i.Values))...)
		i.Values = nil
		return i
	},
}

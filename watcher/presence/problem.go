package presence

import (
	"slices"
	"time"
)

// Problem is a failure of a process's source that does not stop it from
// serving values but that an operator must see (record.Problem): its
// snapshot file cannot be written, say. A record lists the problems that
// last when it is written.
type Problem struct {
	// Name is short and stable: "snapshot", …
	Name string `json:"name"`
	// Error is the last failure's error, cut (Cut) if long.
	Error string `json:"error"`
	// Since is when the problem started.
	Since time.Time `json:"since"`
}

// MaxProblems is how many problems a record lists at most (the first, by
// name).
const MaxProblems = 8

// StaleMargin is what a reader allows, beyond twice a record's refresh
// period, before it calls the record stale (Stale): the clocks of the
// process and of the reader may differ by that much.
const StaleMargin = 5 * time.Second

// Stale reports whether the record, read at now, is older than its
// process's refresh period allows: a process writes its status at least
// once per RefreshSeconds, so a record not written for twice that (plus
// StaleMargin) is one its process cannot publish, though its lease is
// kept: its other fields may be out of date. A record that gives no
// refresh period (of an older build) is never stale.
func (r Record) Stale(now time.Time) bool {
	if r.RefreshSeconds <= 0 || r.Updated.IsZero() {
		return false
	}
	return now.Sub(r.Updated) > 2*time.Duration(r.RefreshSeconds)*time.Second+StaleMargin
}

// cutProblems returns list with at most MaxProblems problems, each error
// cut (Cut): list itself if none needs it, else a copy.
func cutProblems(list []Problem) []Problem {
	return mapProblems(list[:min(len(list), MaxProblems)], Cut)
}

// mapProblems returns list with f applied to every error: list itself if
// f changes none, else a copy.
func mapProblems(list []Problem, f func(string) string) []Problem {
	var out []Problem
	for i, p := range list {
		if e := f(p.Error); e != p.Error {
			if out == nil {
				out = slices.Clone(list)
			}
			out[i].Error = e
		}
	}
	if out == nil {
		return list
	}
	return out
}

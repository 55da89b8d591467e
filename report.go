package flagz

import (
	"errors"

	"github.com/flagz-go/flagz/record"
)

// noResult is the Result of the outcome Report.Outcome returns for a name
// the report lacks. It is none of the results, so it reads as neither
// Applied (the zero Result) nor any other; its String is "none".
const noResult record.Result = -1

// Outcome is what became of one name.
type Outcome struct {
	Flag     string
	Result   record.Result
	Value    string // the value offered (for a removal, the default), Redacted for a sensitive flag
	Old, New string // for Applied: the flag's text before and after, Redacted for a sensitive flag
	Removed  bool   // the source dropped the name (the flag returns to its default)
	Err      error  // why, for Rejected and RestartRequired

	// given is the explicit value (the command line's, or an explicit
	// source's) this change overrides for the first time, or keeps;
	// redacted for a sensitive flag.
	given *givenValue
}

// String gives the flag and the result, and the error of a refusal.
func (o Outcome) String() string {
	if o.Err != nil {
		return o.Flag + ": " + o.Result.String() + ": " + o.Err.Error()
	}
	return o.Flag + ": " + o.Result.String()
}

// Report lists the outcome of every name in one update, sorted by name.
type Report []Outcome

// Err joins the errors of rejected and restart-required names, or returns
// nil when every name was applied, unchanged or unknown.
func (r Report) Err() error {
	var errs []error
	for _, o := range r {
		if o.Err != nil {
			errs = append(errs, o.Err)
		}
	}
	return errors.Join(errs...)
}

// Count returns how many names had the result.
func (r Report) Count(result record.Result) int {
	n := 0
	for _, o := range r {
		if o.Result == result {
			n++
		}
	}
	return n
}

// Outcome returns the outcome for the flag called name. If the report has
// none it returns false and an outcome whose Result is none of the results
// (its String is "none"): never the zero Result, Applied, which a caller
// that ignores ok would take for a change.
func (r Report) Outcome(name string) (Outcome, bool) {
	for _, o := range r {
		if o.Flag == name {
			return o, true
		}
	}
	return Outcome{Flag: name, Result: noResult}, false
}

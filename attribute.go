package flagz

import (
	"slices"

	"github.com/flagz-go/flagz/record"
)

// MaxAuthorBytes and MaxCommentBytes bound what a change keeps of who made
// it and why (Source.Attribute): a longer text, which only whoever can
// write the origin's records could make, is cut at a character boundary
// and ends with "…". Each change in a flag's history keeps them.
const (
	MaxAuthorBytes  = 256
	MaxCommentBytes = 2048
)

// attribute records by[name] (who made the change and why, see
// Source.Attribute) on what the source called source did to the flag name
// at revision rev: its last change, its last refusal and its history
// entries of that revision. A sensitive flag's comment is redacted; an
// author or comment longer than MaxAuthorBytes or MaxCommentBytes is cut.
func (e *Engine) attribute(name, source string, rev int64, by map[string]record.Attribution) {
	a, ok := by[name]
	if !ok {
		return
	}
	a.Author, a.Comment = abbreviateTo(a.Author, MaxAuthorBytes), abbreviateTo(a.Comment, MaxCommentBytes)
	en := e.lookup(name)
	if en == nil {
		return
	}
	if en.sensitive() && a.Comment != "" {
		a.Comment = Redacted // an operator's words may quote the value
	}
	en.commit.Lock()
	defer en.commit.Unlock()
	of := func(c *record.Change) bool { return c != nil && c.Source == source && c.Revision == rev }
	with := func(c record.Change) *record.Change {
		c.Author, c.Comment = a.Author, a.Comment
		return &c
	}
	en.updateRecord(func(r *flagRecord) {
		if of(r.lastChange) {
			r.lastChange = with(*r.lastChange)
		}
		if of(r.lastRejection) {
			r.lastRejection = with(*r.lastRejection)
		}
		cloned := false
		for i := len(r.history) - 1; i >= 0 && of(&r.history[i]); i-- {
			if !cloned {
				r.history, cloned = slices.Clone(r.history), true // readers hold the old one
			}
			r.history[i] = *with(r.history[i])
		}
	})
}

package flagz

import (
	"log/slog"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/flagz-go/flagz/record"
	"github.com/spf13/pflag"
)

// A batch records who made its changes and why, as its source said for
// its revision: on the last change, the last refusal and their history
// entries; a batch of another revision records nothing of it.
func TestSourceAttribute(t *testing.T) {
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	DynInt64(fs, "rate", 1, "").WithValidator(ValidateDynInt64Range(1, 10))
	DynString(fs, "name", "a", "")
	e := EngineFor(fs)
	src := e.Source("etcd", slog.New(slog.DiscardHandler))
	by := map[string]record.Attribution{"rate": {Author: "alice", Comment: "more"}, "name": {Author: "bob"}}
	src.Attribute(5, by)
	src.Update(5, map[string]string{"rate": "5", "name": "b"})
	st, _ := e.Flag("rate")
	if c := st.LastChange; c == nil || c.Author != "alice" || c.Comment != "more" || c.Revision != 5 {
		t.Errorf("last change = %+v", c)
	}
	if h := st.History[len(st.History)-1]; h.Author != "alice" {
		t.Errorf("history = %+v", st.History)
	}
	if st, _ := e.Flag("name"); st.LastChange.Author != "bob" {
		t.Errorf("name's last change = %+v", st.LastChange)
	}
	// A refusal carries it too.
	src.Attribute(6, map[string]record.Attribution{"rate": {Author: "carol", Comment: "oops"}})
	src.Update(6, map[string]string{"rate": "50"})
	st, _ = e.Flag("rate")
	if r := st.LastRejection; r == nil || r.Author != "carol" || st.LastChange.Author != "alice" {
		t.Errorf("rejection %+v, change %+v", r, st.LastChange)
	}
	// Said for another revision: nothing.
	src.Attribute(8, map[string]record.Attribution{"rate": {Author: "dave"}})
	src.Update(7, map[string]string{"rate": "7"})
	src.Update(8, map[string]string{"rate": "8"})
	st, _ = e.Flag("rate")
	if c := st.LastChange; c.Revision != 8 || c.Author != "" {
		t.Errorf("a change of another revision's batch: %+v", c)
	}
	// A removal.
	src.Attribute(9, map[string]record.Attribution{"name": {Author: "erin", Comment: "back"}})
	src.Remove(9, "name")
	if st, _ := e.Flag("name"); !st.LastChange.Removed || st.LastChange.Author != "erin" {
		t.Errorf("removal = %+v", st.LastChange)
	}
}

// Who and why come from the origin, where whoever can write a record can
// make them of any length: a change keeps at most MaxAuthorBytes and
// MaxCommentBytes of them, cut at a character boundary.
func TestSourceAttributeIsBounded(t *testing.T) {
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	DynInt64(fs, "rate", 1, "")
	e := EngineFor(fs)
	src := e.Source("etcd", slog.New(slog.DiscardHandler))
	long := strings.Repeat("é", 1<<20)
	src.Attribute(5, map[string]record.Attribution{"rate": {Author: long, Comment: long}})
	src.Update(5, map[string]string{"rate": "5"})
	st, _ := e.Flag("rate")
	c := st.LastChange
	for what, got := range map[string]struct {
		text string
		max  int
	}{"author": {c.Author, MaxAuthorBytes}, "comment": {c.Comment, MaxCommentBytes}} {
		kept, cut := strings.CutSuffix(got.text, "…")
		if !cut || len(kept) > got.max || len(kept) < got.max-1 || !utf8.ValidString(kept) || !strings.HasPrefix(long, kept) {
			t.Errorf("%s kept %d bytes (cut %v, valid %v), want at most %d, whole characters of the text, then …",
				what, len(kept), cut, utf8.ValidString(kept), got.max)
		}
	}
	if h := st.History[len(st.History)-1]; h.Author != c.Author || h.Comment != c.Comment {
		t.Error("the history entry keeps another author or comment than the last change")
	}
}

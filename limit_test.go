package flagz

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flagz-go/flagz/record"

	"google.golang.org/protobuf/types/known/structpb"
)

// A value over the default limit is refused before it is parsed, whoever
// sets it, with an error naming the flag, the size and the limit, and the
// flag keeps its last good value.
func TestMaxSizeRefusesOversizedValueOnEveryPath(t *testing.T) {
	fs := newFlagSet(t)
	calls := 0
	type doc struct{ A []struct{} }
	j := DynJSONOf(fs, "doc", doc{}, "").WithValidator(func(doc) error { calls++; return nil })
	p := DynProto(fs, "msg", &structpb.Struct{}, "")
	if err := j.Set(`{"A":[{}]}`); err != nil {
		t.Fatal(err)
	}
	good := j.String()
	huge := `{"A":[` + strings.Repeat("{},", DefaultMaxValueSize/3) + `{}]}`
	calls = 0

	check := func(path string, err error) {
		t.Helper()
		var ve *ValueError
		if !errors.As(err, &ve) || !errors.Is(err, ErrParse) {
			t.Fatalf("%s: got %v, want a ValueError of kind ErrParse", path, err)
		}
		want := []string{`flag "doc"`, "over the limit of 262144 bytes", "bytes"}
		for _, w := range want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", path, err, w)
			}
		}
		if len(err.Error()) > 300 {
			t.Errorf("%s: the error quotes the whole value (%d bytes)", path, len(err.Error()))
		}
		if calls != 0 {
			t.Errorf("%s: the validator ran on an oversized value", path)
		}
		if j.String() != good {
			t.Errorf("%s: value is %s, want the last good %s", path, j.String(), good)
		}
	}
	check("Set", j.Set(huge))

	e := EngineFor(fs)
	report := e.Source("test", nil).Update(1, map[string]string{"doc": huge})
	o, _ := report.Outcome("doc")
	if o.Result != record.Rejected {
		t.Fatalf("source: result %v, want Rejected", o.Result)
	}
	check("source", o.Err)
	if len(o.Value) > 100 {
		t.Errorf("source: the outcome keeps the whole value (%d bytes)", len(o.Value))
	}
	st, _ := e.Flag("doc")
	if st.LastRejection == nil || len(st.LastRejection.New) > 100 {
		t.Errorf("the rejection record keeps the whole value: %+v", st.LastRejection)
	}

	// ReadFileFlags.
	j.WithFileFlag("")
	path := filepath.Join(t.TempDir(), "doc.json")
	if err := os.WriteFile(path, []byte(huge), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := fs.Set("doc_path", path); err != nil {
		t.Fatal(err)
	}
	check("fileread", ReadFileFlags(fs))

	// A binary protocol buffer of the same size: refused unparsed too.
	bin := strings.Repeat("\x0a\x00", DefaultMaxValueSize/2+1)
	if err := p.Set(bin); !errors.Is(err, ErrParse) || !strings.Contains(err.Error(), "over the limit") {
		t.Fatalf("proto: got %v", err)
	}
	// At the limit exactly, the value is parsed.
	atLimit := `"` + strings.Repeat("x", DefaultMaxValueSize-2) + `"`
	s := DynString(fs, "s", "", "")
	if err := s.Set(atLimit); err != nil {
		t.Fatalf("a value of exactly the limit: %v", err)
	}
}

// WithMaxSize overrides the flag set's limit for one flag, either way; 0
// returns to the flag set's, and < 0 removes the limit.
func TestMaxSizePerFlag(t *testing.T) {
	fs := newFlagSet(t)
	small := DynString(fs, "small", "ok", "").WithMaxSize(4)
	other := DynString(fs, "other", "", "")
	if err := small.Set("12345"); !errors.Is(err, ErrParse) || !strings.Contains(err.Error(), "5 bytes, over the limit of 4 bytes") {
		t.Fatalf("got %v", err)
	}
	if small.Get() != "ok" {
		t.Fatalf("value %q, want the last good", small.Get())
	}
	if err := small.Set("1234"); err != nil {
		t.Fatal(err)
	}
	if err := other.Set("12345"); err != nil {
		t.Fatalf("another flag got the limit: %v", err)
	}
	big := strings.Repeat("x", DefaultMaxValueSize+1)
	if err := other.Set(big); err == nil {
		t.Fatal("the default limit is not applied")
	}
	other.WithMaxSize(-1)
	if err := other.Set(big); err != nil {
		t.Fatalf("no limit: %v", err)
	}
	small.WithMaxSize(0)
	if err := small.Set("12345"); err != nil {
		t.Fatalf("back to the flag set's limit: %v", err)
	}
}

// SetMaxValueSize sets the limit of every flag of one flag set that has no
// limit of its own, flags flagz did not declare included; other flag sets
// keep theirs.
func TestMaxSizePerFlagSet(t *testing.T) {
	fs := newFlagSet(t)
	a := DynString(fs, "a", "", "")
	b := DynString(fs, "b", "", "").WithMaxSize(100)
	plain := fs.String("plain", "", "")
	e := EngineFor(fs)
	e.SetMaxValueSize(8)

	if err := a.Set("123456789"); err == nil || !strings.Contains(err.Error(), "9 bytes, over the limit of 8 bytes") {
		t.Fatalf("got %v", err)
	}
	if err := b.Set("123456789"); err != nil {
		t.Fatalf("the flag's own limit: %v", err)
	}
	report := e.Source("test", nil).Load(1, map[string]string{"plain": "123456789"}) // a static flag takes a value at start-up
	if o, _ := report.Outcome("plain"); o.Result != record.Rejected || !errors.Is(o.Err, ErrParse) ||
		!strings.Contains(o.Err.Error(), `flag "plain"`) || *plain != "" {
		t.Fatalf("a flag flagz did not declare: %+v, value %q", o, *plain)
	}

	other := newFlagSet(t)
	c := DynString(other, "c", "", "")
	if err := c.Set("123456789"); err != nil {
		t.Fatalf("another flag set: %v", err)
	}

	e.SetMaxValueSize(-1)
	if err := a.Set(strings.Repeat("x", DefaultMaxValueSize+1)); err != nil {
		t.Fatalf("no limit: %v", err)
	}
	e.SetMaxValueSize(0)
	if err := a.Set(strings.Repeat("x", DefaultMaxValueSize+1)); err == nil {
		t.Fatal("0 does not restore the default")
	}
}

// A sensitive flag's oversized value is refused with its size only.
func TestMaxSizeSensitive(t *testing.T) {
	fs := newFlagSet(t)
	key := DynString(fs, "key", "", "").WithSensitive().WithMaxSize(16)
	err := key.Set(secret + secret + secret)
	var ve *ValueError
	if !errors.As(err, &ve) || ve.Input != Redacted {
		t.Fatalf("got %v", err)
	}
	for _, text := range errorTexts(err) {
		if leaks(text) {
			t.Errorf("error text %q leaks the value", text)
		}
	}
	if !strings.Contains(err.Error(), "24 bytes, over the limit of 16 bytes") {
		t.Errorf("error %q lacks the size and limit", err)
	}
	o, _ := EngineFor(fs).Source("test", nil).Update(1, map[string]string{"key": secret + secret + secret}).Outcome("key")
	if o.Value != Redacted || leaks(o.Err.Error()) {
		t.Errorf("source outcome leaks: %+v", o)
	}
}

// A long refused input is quoted only in part in the error's text; the
// ValueError keeps it whole.
func TestValueErrorQuotesLongInputInPart(t *testing.T) {
	fs := newFlagSet(t)
	n := DynInt64(fs, "n", 0, "")
	long := strings.Repeat("9", 1000) + "x"
	err := n.Set(long)
	var ve *ValueError
	if !errors.As(err, &ve) || ve.Input != long {
		t.Fatalf("got %v", err)
	}
	if text := ve.Error(); !strings.HasPrefix(text, `flag "n": value "`+strings.Repeat("9", 256)+`…" refused: not a valid dyn_int64: `) {
		t.Fatalf("error text %.400q", text)
	}
}

package schema_test

import (
	"testing"

	"github.com/flagz-go/flagz/schema"
)

// JSON carries a syntax's name and reads it back.
func TestSyntaxText(t *testing.T) {
	for _, s := range []schema.Syntax{schema.Text, schema.JSON, schema.Proto} {
		text, err := s.MarshalText()
		if err != nil || string(text) != s.String() {
			t.Fatalf("%v.MarshalText() = %q, %v", s, text, err)
		}
		var back schema.Syntax
		if err := back.UnmarshalText(text); err != nil || back != s {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", text, back, err, s)
		}
	}
	var s schema.Syntax
	if err := s.UnmarshalText([]byte("yaml")); err == nil {
		t.Error(`UnmarshalText("yaml"): no error`)
	}
}

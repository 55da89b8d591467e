package change

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestKeys(t *testing.T) {
	for _, p := range []string{"/flagz/demo", "/flagz/demo/"} {
		if got := Key(p, "rate"); got != "/flagz/demo/@flagz/change/rate" {
			t.Errorf("Key(%q, rate) = %q", p, got)
		}
	}
}

// A record round-trips; one under another flag's key is refused.
func TestDecodeKey(t *testing.T) {
	r := Record{Flag: "rate", Action: ActionSet, By: "alice@box", At: time.Unix(1, 0).UTC(), Reason: "load test"}
	out, err := Encode(r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeKey("/p", Key("/p", "rate"), out)
	if err != nil || got != r {
		t.Fatalf("DecodeKey = %+v, %v; want %+v", got, err, r)
	}
	if _, err := DecodeKey("/p", Key("/p", "other"), out); !errors.Is(err, ErrNotItsKey) {
		t.Errorf("a record under another flag's key: %v, want ErrNotItsKey", err)
	}
	if _, err := DecodeKey("/p", "/p/rate", out); err == nil {
		t.Error("a flag's key read as a record")
	}
	if _, err := DecodeKey("/p", Key("/p", "rate"), []byte("{")); err == nil {
		t.Error("bad JSON read as a record")
	}
}

// A long reason is cut at a rune boundary, and the record stays small.
func TestCutReason(t *testing.T) {
	long := strings.Repeat("é", MaxReason)
	cut := CutReason(long)
	if len(cut) > MaxReason+len("…") || !strings.HasSuffix(cut, "…") || !strings.HasPrefix(long, strings.TrimSuffix(cut, "…")) {
		t.Errorf("CutReason: %d bytes, %q...", len(cut), cut[:10])
	}
	if CutReason("short") != "short" {
		t.Error("a short reason was changed")
	}
	out, _ := Encode(Record{Flag: "f", Reason: long})
	if len(out) > 2*MaxReason {
		t.Errorf("encoded record of %d bytes", len(out))
	}
}

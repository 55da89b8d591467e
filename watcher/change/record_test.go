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

// Whoever can write a record's key can make it of any size: Encode keeps
// every text bounded, so that what it writes stays under MaxRecordBytes,
// and DecodeKey refuses a larger value unread and cuts the texts of a
// smaller one as Encode does.
func TestRecordIsBounded(t *testing.T) {
	long := strings.Repeat("<", 1<<14) // the worst case: JSON writes each as \u003c, six bytes
	out, err := Encode(Record{Flag: "rate", Action: ActionStage, By: long, User: long, Reason: long, Detail: long})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) > MaxRecordBytes {
		t.Fatalf("Encode made %d bytes, over MaxRecordBytes (%d)", len(out), MaxRecordBytes)
	}
	got, err := DecodeKey("/p", Key("/p", "rate"), out)
	if err != nil {
		t.Fatalf("DecodeKey of what Encode made: %v", err)
	}
	for what, text := range map[string]string{"by": got.By, "etcd_user": got.User, "detail": got.Detail} {
		if kept, cut := strings.CutSuffix(text, "…"); !cut || len(kept) > MaxText {
			t.Errorf("%s kept %d bytes, want at most %d and …", what, len(kept), MaxText)
		}
	}

	// Written by hand: a record just under the limit with long texts is
	// read with its texts cut; one over the limit is refused.
	huge := strings.Repeat("x", MaxRecordBytes)
	hand := []byte(`{"flag":"rate","action":"set","by":"` + huge[:MaxRecordBytes-100] + `"}`)
	got, err = DecodeKey("/p", Key("/p", "rate"), hand)
	if err != nil || len(got.By) > MaxText+len("…") {
		t.Errorf("a hand-written record with a long author: %d bytes kept, %v", len(got.By), err)
	}
	hand = []byte(`{"flag":"rate","action":"set","by":"` + huge + `"}`)
	if _, err := DecodeKey("/p", Key("/p", "rate"), hand); err == nil || !strings.Contains(err.Error(), "over the limit") {
		t.Errorf("a record of %d bytes: %v, want refused over the limit", len(hand), err)
	}
}

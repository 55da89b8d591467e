package presence_test

import (
	"strings"
	"testing"

	"github.com/flagz-go/flagz/schema"
	"github.com/flagz-go/flagz/watcher/presence"
)

func TestPrefixIsOutsideTheFlagKeySpace(t *testing.T) {
	for _, p := range []string{"/flagz/demo", "/flagz/demo/"} {
		got := presence.Prefix(p)
		if got != "/flagz/demo@presence/" {
			t.Errorf("Prefix(%q) = %q, want /flagz/demo@presence/", p, got)
		}
		if strings.HasPrefix(got, "/flagz/demo/") {
			t.Errorf("Prefix(%q) = %q is inside the flag key space", p, got)
		}
	}
	if got := presence.Key("/flagz/demo", "h/1/2"); got != "/flagz/demo@presence/h/1/2" {
		t.Errorf("Key = %q", got)
	}
}

func TestDecode(t *testing.T) {
	r := presence.Record{ID: "h/1/2", Host: "h", PID: 1, Revision: 7, Checksum: "00000000000000ff",
		Flags:      []schema.Flag{{Name: "rate", Type: "dyn_int64", Dynamic: true, Default: "1"}},
		Rejections: []presence.Rejection{{Flag: "rate", Revision: 7, Value: "x", Reason: "bad"}}}
	value, err := presence.Encode(r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := presence.Decode(value)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != r.ID || got.Revision != 7 || len(got.Flags) != 1 || got.Flags[0].Name != "rate" {
		t.Errorf("Decode(Encode(r)) = %+v, want %+v", got, r)
	}
	if rej, ok := got.Rejection("rate"); !ok || rej.Value != "x" {
		t.Errorf("Rejection(rate) = %+v, %v", rej, ok)
	}
	if _, ok := got.Flag("rate"); !ok {
		t.Error("Flag(rate) not found")
	}
	for _, bad := range []string{"", "{", `{"host":"h"}`, `[1]`} {
		if _, err := presence.Decode([]byte(bad)); err == nil {
			t.Errorf("Decode(%q) succeeded", bad)
		}
	}
}

package canary

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz/watcher/change"
)

func TestKeys(t *testing.T) {
	if got := Key("/flagz/demo/", "rate"); got != "/flagz/demo/@flagz/canary/rate" {
		t.Errorf("Key = %q", got)
	}
	if name, ok := NameOf("/flagz/demo", "/flagz/demo/@flagz/canary/rate"); !ok || name != "rate" {
		t.Errorf("NameOf = %q, %v", name, ok)
	}
	for _, k := range []string{"/flagz/demo/rate", "/flagz/demo/@flagz/canary/", "/flagz/demo/@flagz/canary/a/b"} {
		if _, ok := NameOf("/flagz/demo", k); ok {
			t.Errorf("NameOf(%q) names a flag", k)
		}
	}
}

func TestParseStages(t *testing.T) {
	good := map[string][]int{
		"5%,25%,100%": {500, 2500, 10000},
		"100%":        {10000},
		"0.5%, 100%":  {50, 10000},
		"12.25%,100%": {1225, 10000},
	}
	for in, want := range good {
		got, err := ParseStages(in)
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("ParseStages(%q) = %v, %v; want %v", in, got, err, want)
		}
		if err == nil && FormatStages(got) != strings.ReplaceAll(in, " ", "") {
			t.Errorf("FormatStages(%v) = %q", got, FormatStages(got))
		}
	}
	for _, in := range []string{"", "5", "5%,25%", "25%,5%,100%", "0%,100%", "5%,5%,100%", "101%", "1.234%,100%", "-5%,100%", "x%,100%", ".5%,100%"} {
		if got, err := ParseStages(in); err == nil {
			t.Errorf("ParseStages(%q) = %v, want an error", in, got)
		}
	}
}

// A stage holds exactly ⌈share·N⌉ of the N ids given, at least one;
// stages are nested; the members are those whose bucket is at most the
// threshold.
func TestThreshold(t *testing.T) {
	ids := make([]string, 20)
	for i := range ids {
		ids[i] = fmt.Sprintf("host/%d/%d", 1000+i, i*7919)
	}
	var prev uint64
	var prevMembers map[string]bool
	for i, share := range []int{500, 2500, 5000} {
		th, n := Threshold("salt", ids, share, prev, i > 0)
		if want := Size(share, len(ids)); n != want {
			t.Errorf("share %d: %d members, want %d", share, n, want)
		}
		r := Record{Salt: "salt", Threshold: th}
		members := map[string]bool{}
		for _, id := range ids {
			if r.Member(id) {
				members[id] = true
			}
		}
		if len(members) != n {
			t.Errorf("share %d: Member says %d, Threshold %d", share, len(members), n)
		}
		for id := range prevMembers {
			if !members[id] {
				t.Errorf("share %d: %s left the canary", share, id)
			}
		}
		prev, prevMembers = th, members
	}
	// The previous stage is a floor: with fewer live processes than it
	// holds, a later stage keeps every one of them.
	th1, _ := Threshold("salt", ids, 5000, 0, false)
	th2, n := Threshold("salt", ids[:4], 2500, th1, true)
	if th2 != th1 || n != countBelow("salt", ids[:4], th1) {
		t.Errorf("floor: threshold %x (want %x), %d members", th2, th1, n)
	}
	if Size(500, 1) != 1 || Size(1, 3) != 1 || Size(Full, 7) != 7 || Size(2500, 0) != 0 {
		t.Error("Size")
	}
	if (Record{Salt: "s", Threshold: ^uint64(0)}).Member("") {
		t.Error("a process without an id is a member")
	}
}

func countBelow(salt string, ids []string, th uint64) int {
	n := 0
	for _, id := range ids {
		if Bucket(salt, id) <= th {
			n++
		}
	}
	return n
}

// Bucket is SHA-256 as documented: other tools and languages agree.
func TestBucketIsDocumented(t *testing.T) {
	// printf 'salt\0host/1/2' | sha256sum: first 16 hex digits.
	if got := fmt.Sprintf("%016x", Bucket("salt", "host/1/2")); got != bucketOfSaltHost12 {
		t.Errorf("Bucket = %s, want %s", got, bucketOfSaltHost12)
	}
}

// A record round-trips, binary values included; a record under another
// flag's key, or not whole, is refused.
func TestEncodeDecode(t *testing.T) {
	r := Record{Flag: "rate", Value: "\xff\x00bin", Salt: "abc", Stages: []int{500, 2500, Full}, Stage: 1,
		Live: 20, Members: 5, Threshold: 0x0123456789abcdef, FlagRevision: 7, Bake: 30 * time.Second,
		By: "alice@box", Reason: "try", Started: time.Unix(5, 0).UTC(), StageStarted: time.Unix(6, 0).UTC()}
	out, err := Encode(r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeKey("/p", Key("/p", "rate"), out)
	if err != nil || fmt.Sprint(got) != fmt.Sprint(r) {
		t.Fatalf("DecodeKey = %+v, %v\nwant %+v", got, err, r)
	}
	text := r
	text.Value = "50"
	out, _ = Encode(text)
	if !strings.Contains(string(out), `"value":"50"`) || !strings.Contains(string(out), `"threshold":"0123456789abcdef"`) {
		t.Errorf("JSON form: %s", out)
	}
	if _, err := DecodeKey("/p", Key("/p", "other"), out); !errors.Is(err, ErrNotItsKey) {
		t.Errorf("under another flag's key: %v", err)
	}
	for _, bad := range []string{
		`{"flag":"rate","value":"1","stages":[500,10000],"stage":0,"threshold":"0000000000000001"}`,              // no salt
		`{"flag":"rate","value":"1","salt":"s","stages":[500,10000],"stage":1,"threshold":"0000000000000001"}`,   // at 100%
		`{"flag":"rate","value":"1","salt":"s","stages":[500,400,10000],"stage":0,"threshold":"00000000000001"}`, // not increasing
		`{"flag":"rate","salt":"s","stages":[500,10000],"stage":0,"threshold":"0000000000000001"}`,               // no value
		`{"flag":"rate","value":"1","salt":"s","stages":[500,10000],"stage":0,"threshold":"zz"}`,
		`{"flag":"rate","value":"1","salt":"` + strings.Repeat("s", MaxSalt+1) + `","stages":[500,10000],"stage":0,"threshold":"0000000000000001"}`, // salt too long
	} {
		if _, err := DecodeKey("/p", Key("/p", "rate"), []byte(bad)); err == nil {
			t.Errorf("DecodeKey(%s) accepted", bad)
		}
	}
	if _, err := Encode(Record{Flag: "rate"}); err == nil {
		t.Error("Encode of an incomplete record")
	}
}

// bucketOfSaltHost12 is computed outside Go: printf 'salt\0host/1/2' | sha256sum.
const bucketOfSaltHost12 = "3bba94f6b87bc2b9"

// Who and why in a canary record are whoever wrote its key's words: they
// are read cut as a change record cuts them.
func TestDecodeCutsWhoAndWhy(t *testing.T) {
	long := strings.Repeat("x", 1<<16)
	out, err := Encode(Record{Flag: "rate", Value: "1", Salt: "s", Stages: []int{500, Full}, By: long, User: long, Reason: long})
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeKey("/p", Key("/p", "rate"), out)
	if err != nil {
		t.Fatal(err)
	}
	for what, text := range map[string]string{"by": got.By, "etcd_user": got.User, "reason": got.Reason} {
		if len(text) > change.MaxReason+len("…") || !strings.HasSuffix(text, "…") {
			t.Errorf("%s read as %d bytes, want cut", what, len(text))
		}
	}
	if len(got.By) > change.MaxText+len("…") {
		t.Errorf("by read as %d bytes, want at most %d and …", len(got.By), change.MaxText)
	}
}

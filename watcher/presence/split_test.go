package presence_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz/schema"
	"github.com/flagz-go/flagz/watcher/presence"
)

func splitRecord() presence.Record {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return presence.Record{ID: "h/1/2", Host: "h", PID: 1, Started: at, Version: "v1", FlagSet: "svc", Prefix: "/svc",
		State: "SERVING", Revision: 9, Checksum: "00000000000000ff", Updated: at,
		Flags: []schema.Flag{
			{Name: "port", Type: "int", Default: "80", Usage: "listen port"},
			{Name: "rate", Type: "dyn_int64", Dynamic: true, Default: "1", Usage: "rate"},
		},
		Values:     map[string]string{"port": "8080", "rate": "5"},
		Rejections: []presence.Rejection{{Flag: "rate", Revision: 9, Value: "x", Reason: "bad", At: at}},
	}
}

// A record split in its two keys and joined again is the record.
func TestSplitJoin(t *testing.T) {
	r := splitRecord()
	info, status := r.Split()
	if !reflect.DeepEqual(info.Values, map[string]string{"port": "8080"}) ||
		!reflect.DeepEqual(status.Values, map[string]string{"rate": "5"}) {
		t.Errorf("split values: info %v, status %v", info.Values, status.Values)
	}
	iv, err := presence.EncodeInfo(info)
	if err != nil {
		t.Fatal(err)
	}
	sv, err := presence.EncodeStatus(status)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(sv), "listen port") || strings.Contains(string(sv), `"host"`) {
		t.Errorf("status holds the info: %s", sv)
	}
	di, err := presence.Decode(iv)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := presence.Decode(sv)
	if err != nil {
		t.Fatal(err)
	}
	if ds.ID != r.ID || ds.Revision != 9 || ds.Flags != nil {
		t.Errorf("status alone decodes as %+v", ds)
	}
	if got := presence.Join(ds, di); !reflect.DeepEqual(got, r) {
		t.Errorf("Join(Split(r)):\n got %+v\nwant %+v", got, r)
	}
	other := di
	other.ID = "other"
	if got := presence.Join(ds, other); got.Host != "" {
		t.Errorf("joined with the info of another id: %+v", got)
	}
}

// EncodeStatus writes values as encoding/json reads them back, whatever
// their bytes.
func TestEncodeStatusValues(t *testing.T) {
	values := map[string]string{"a": `"quoted" \back\ `, "b": "tab\tnl\n\x01", "c": "ünï <&> \u2028", "d": "bad\xffutf8", "": ""}
	out, err := presence.EncodeStatus(presence.Status{ID: "x", Values: values})
	if err != nil {
		t.Fatal(err)
	}
	var back presence.Status
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	want := map[string]string{}
	for k, v := range values {
		want[k] = strings.ToValidUTF8(v, "\ufffd")
	}
	if !reflect.DeepEqual(back.Values, want) {
		t.Errorf("values back %q, want %q", back.Values, want)
	}
}

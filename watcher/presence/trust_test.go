package presence_test

import (
	"errors"
	"testing"

	"github.com/flagz-go/flagz/watcher/presence"
)

// A record is the record of the process its key names: IDOf is the rest of
// a status or info key, and DecodeKey refuses a record whose id, or flag
// prefix, is not the key's.
func TestDecodeKey(t *testing.T) {
	for key, want := range map[string]string{
		"/svc@presence/h/1/2":      "h/1/2",
		"/svc@presence-info/h/1/2": "h/1/2",
		"/svc@presence/":           "",
		"/svc/rate":                "",
		"/svcx@presence/a":         "",
	} {
		if id, ok := presence.IDOf("/svc/", key); id != want || ok != (want != "") {
			t.Errorf("IDOf(%q) = %q, %v; want %q", key, id, ok, want)
		}
	}
	r, err := presence.DecodeKey("/svc", "/svc@presence/a", []byte(`{"id":"a","prefix":"/svc"}`))
	if err != nil || r.ID != "a" {
		t.Errorf("DecodeKey of a's own record = %+v, %v", r, err)
	}
	for _, c := range []struct{ key, value string }{
		{"/svc@presence/a", `{"id":"b"}`},
		{"/svc@presence-info/a", `{"id":"b"}`},
		{"/svc@presence/a", `{"id":"a","prefix":"/other"}`},
	} {
		if _, err := presence.DecodeKey("/svc", c.key, []byte(c.value)); !errors.Is(err, presence.ErrNotItsKey) {
			t.Errorf("DecodeKey(%s, %s) = %v, want ErrNotItsKey", c.key, c.value, err)
		}
	}
	if _, err := presence.DecodeKey("/svc", "/svc/rate", []byte(`{"id":"rate"}`)); err == nil {
		t.Error("DecodeKey took a key outside the presence prefixes")
	}
}

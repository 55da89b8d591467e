package watcher

import (
	"errors"
	"log/slog"
	"testing"

	"github.com/flagz-go/flagz/source"
	"github.com/flagz-go/flagz/watcher/canary"
	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// canaryEvent is the watch event of a canary record of name for value
// (nil: deleted), taking every process in (everyone) or none.
func canaryEvent(t *testing.T, name string, value *string, everyone bool, rev int64) *clientv3.Event {
	t.Helper()
	key := canary.Key("/p", name)
	if value == nil {
		return &clientv3.Event{Type: mvccpb.DELETE, Kv: &mvccpb.KeyValue{Key: []byte(key), ModRevision: rev}}
	}
	rec := canary.Record{Flag: name, Value: *value, Salt: "s", Stages: []int{500, canary.Full}}
	if everyone {
		rec.Threshold = ^uint64(0)
	}
	out, err := canary.Encode(rec)
	if err != nil {
		t.Fatal(err)
	}
	return &clientv3.Event{Type: mvccpb.PUT, Kv: &mvccpb.KeyValue{Key: []byte(key), Value: out, ModRevision: rev}}
}

func ptr(s string) *string { return &s }

// A flag in no canary of the process is told what its key says; a
// canary that holds the process gives its value over the key's, and its
// end gives the key's back (or removes the flag if there is no key); a
// canary that does not hold the process changes nothing for it.
func TestCanaryOverlayBatch(t *testing.T) {
	c := newCanaryOverlay("me", "/p", slog.New(slog.DiscardHandler))
	s := source.Snapshot{Values: map[string]string{"rate": "10", "name": "a"}, Versions: map[string]int64{"rate": 2, "name": 3}}
	c.listed(&s, nil)
	check := func(what string, puts map[string]string, removed []string, wantPuts map[string]string, wantRemoved ...string) {
		t.Helper()
		if len(puts) != len(wantPuts) || len(removed) != len(wantRemoved) {
			t.Fatalf("%s: told %v and removed %v, want %v and %v", what, puts, removed, wantPuts, wantRemoved)
		}
		for k, v := range wantPuts {
			if puts[k] != v {
				t.Fatalf("%s: told %v, want %v", what, puts, wantPuts)
			}
		}
		for i := range wantRemoved {
			if removed[i] != wantRemoved[i] {
				t.Fatalf("%s: removed %v, want %v", what, removed, wantRemoved)
			}
		}
	}
	p, r := c.batch(4, map[string]string{"rate": "20"}, nil, nil)
	check("a key's write", p, r, map[string]string{"rate": "20"})
	p, r = c.batch(5, nil, nil, []*clientv3.Event{canaryEvent(t, "rate", ptr("50"), false, 5)})
	check("a canary without this process", p, r, nil)
	p, r = c.batch(6, nil, nil, []*clientv3.Event{canaryEvent(t, "rate", ptr("50"), true, 6)})
	check("a canary that takes it in", p, r, map[string]string{"rate": "50"})
	if !errors.Is(c.notUndoable("rate", 6), source.ErrNotUndoable) || c.notUndoable("rate", 4) != nil {
		t.Error("a canary's value is not told apart from a key's write")
	}
	if m := c.memberships(); m["rate"] != 6 || len(m) != 1 {
		t.Errorf("memberships = %v", m)
	}
	p, r = c.batch(7, map[string]string{"rate": "30"}, nil, nil)
	check("a key's write under the canary", p, r, nil)
	p, r = c.batch(8, nil, nil, []*clientv3.Event{canaryEvent(t, "rate", ptr("50"), true, 8)})
	check("the next stage, same value", p, r, nil)
	p, r = c.batch(9, nil, nil, []*clientv3.Event{canaryEvent(t, "rate", nil, false, 9)})
	check("the canary's end", p, r, map[string]string{"rate": "30"})
	if c.memberships() != nil {
		t.Error("memberships after the end")
	}
	// Promotion: the key and the end of the canary in one revision.
	c.batch(10, nil, nil, []*clientv3.Event{canaryEvent(t, "name", ptr("b"), true, 10)})
	p, r = c.batch(11, map[string]string{"name": "b"}, nil, []*clientv3.Event{canaryEvent(t, "name", nil, false, 11)})
	check("promotion", p, r, map[string]string{"name": "b"})
	if c.notUndoable("name", 11) != nil {
		t.Error("promotion's write of the key taken for a canary's")
	}
	// A canary of a flag with no key; its end removes the flag.
	c.batch(12, nil, nil, []*clientv3.Event{canaryEvent(t, "new", ptr("x"), true, 12)})
	p, r = c.batch(13, nil, nil, []*clientv3.Event{canaryEvent(t, "new", nil, false, 13)})
	check("the end of a canary of a flag without key", p, r, nil, "new")
	// An invalid record counts as none.
	bad := &clientv3.Event{Type: mvccpb.PUT, Kv: &mvccpb.KeyValue{Key: []byte(canary.Key("/p", "rate")), Value: []byte("{"), ModRevision: 14}}
	p, r = c.batch(14, nil, nil, []*clientv3.Event{bad})
	check("an invalid record", p, r, nil)

	// A listing gives a member's canary value, without a version.
	s = source.Snapshot{Values: map[string]string{"rate": "10"}, Versions: map[string]int64{"rate": 2}}
	ev := canaryEvent(t, "rate", ptr("70"), true, 15)
	c.listed(&s, []*mvccpb.KeyValue{ev.Kv})
	if s.Values["rate"] != "70" || s.Versions["rate"] != 0 {
		t.Errorf("listed = %v %v, want the canary's value without version", s.Values, s.Versions)
	}
	p, r = c.batch(16, nil, nil, []*clientv3.Event{canaryEvent(t, "rate", nil, false, 16)})
	check("the end after a listing", p, r, map[string]string{"rate": "10"})

	var none *canaryOverlay
	p, r = none.batch(1, map[string]string{"a": "1"}, []string{"b"}, nil)
	check("no overlay", p, r, map[string]string{"a": "1"}, "b")
}

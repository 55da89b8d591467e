package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz/watcher/change"
	"go.etcd.io/etcd/api/v3/mvccpb"
)

// A write etcd committed without saying so is recognized by its change
// record, also when the author is longer than a record keeps: the record
// is compared as its key holds it.
func TestOwnChangeWithALongAuthor(t *testing.T) {
	s := &session{g: &globals{prefix: "/p"}}
	rec := change.Record{Flag: "rate", Action: change.ActionStage, By: strings.Repeat("a", 2*change.MaxText),
		At: time.Unix(5, 0).UTC(), Reason: strings.Repeat("r", 2*change.MaxReason)}
	value, err := change.Encode(rec)
	if err != nil {
		t.Fatal(err)
	}
	kvs := []*mvccpb.KeyValue{{Key: []byte(change.Key("/p", "rate")), Value: value, ModRevision: 9}}
	if rev, ok := s.ownChange(kvs, rec); !ok || rev != 9 {
		t.Errorf("ownChange = %d, %v; want 9, true: its own record, as etcd keeps it", rev, ok)
	}
	other := rec
	other.By = "someone else"
	if _, ok := s.ownChange(kvs, other); ok {
		t.Error("ownChange took another author's record for its own")
	}
}

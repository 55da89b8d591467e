package presence_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz/schema"
	"github.com/flagz-go/flagz/watcher/etcdtest"
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

func TestListReadsEveryRecordAtOneRevision(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const n = 1203 // more than two pages
	for i := range n {
		id := fmt.Sprintf("host%d/%d/%d", i%7, 1000+i, i)
		value, _ := json.Marshal(presence.Record{ID: id, PID: 1000 + i})
		if _, err := cli.Put(ctx, presence.Key("/svc", id), string(value)); err != nil {
			t.Fatal(err)
		}
	}
	// Neighbours that are not records of /svc.
	for key, value := range map[string]string{
		"/svc/rate":              "5",
		"/svc@presenceX/a":       `{"id":"x"}`,
		"/svcx@presence/a":       `{"id":"x"}`,
		"/svc@presence/garbage":  "not json",
		"/svc@presence/noid":     `{"host":"h"}`,
		"/svc/x@presence/nested": `{"id":"x"}`,
	} {
		if _, err := cli.Put(ctx, key, value); err != nil {
			t.Fatal(err)
		}
	}
	records, rev, err := presence.List(ctx, cli, "/svc/")
	if err == nil || !strings.Contains(err.Error(), "/svc@presence/garbage") || !strings.Contains(err.Error(), "/svc@presence/noid") {
		t.Errorf("List error = %v, want one naming each unreadable key", err)
	}
	if len(records) != n {
		t.Fatalf("List returned %d records, want %d", len(records), n)
	}
	for i := 1; i < len(records); i++ {
		if records[i-1].ID >= records[i].ID {
			t.Fatalf("records not sorted by ID: %q before %q", records[i-1].ID, records[i].ID)
		}
	}
	resp, err := cli.Get(ctx, "any")
	if err != nil {
		t.Fatal(err)
	}
	if rev != resp.Header.Revision {
		t.Errorf("List revision %d, want the store's %d", rev, resp.Header.Revision)
	}
}

func TestListOfNoRecords(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	records, rev, err := presence.List(context.Background(), cli, "/none")
	if err != nil || len(records) != 0 || rev == 0 {
		t.Errorf("List = %v, %d, %v; want no records at a revision", records, rev, err)
	}
}

package presence_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz/schema"
	"github.com/flagz-go/flagz/watcher/etcdtest"
	"github.com/flagz-go/flagz/watcher/presence"
)

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

// splitRecord is the record of the presence package's own split tests
// (watcher/presence/split_test.go).
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

// List joins each status with its info at one revision; a status without
// an info (a process of an older version writing its whole record there)
// is returned as it is; an info without a status is left out.
func TestListJoinsStatusAndInfo(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r := splitRecord()
	info, status := r.Split()
	iv, _ := presence.EncodeInfo(info)
	sv, _ := presence.EncodeStatus(status)
	old := splitRecord()
	old.ID = "h/1/old"
	ov, _ := presence.Encode(old)
	orphan := info
	orphan.ID = "h/1/gone"
	gv, _ := presence.EncodeInfo(orphan)
	for key, value := range map[string][]byte{
		presence.InfoKey("/svc", r.ID): iv, presence.Key("/svc", r.ID): sv,
		presence.Key("/svc", old.ID): ov, presence.InfoKey("/svc", orphan.ID): gv,
	} {
		if _, err := cli.Put(ctx, key, string(value)); err != nil {
			t.Fatal(err)
		}
	}
	records, _, err := presence.List(ctx, cli, "/svc")
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 2 || !reflect.DeepEqual(records[0], r) || !reflect.DeepEqual(records[1], old) {
		t.Errorf("List:\n got %+v\nwant %+v and %+v", records, r, old)
	}
}

package presence_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/flagz-go/flagz/watcher/etcdtest"
	"github.com/flagz-go/flagz/watcher/presence"
)

// A status or info under one key that says it is another process's is no
// record: Read lists it as invalid by key and never joins it with that
// process's record, whichever key sorts first.
func TestReadTrustsRecordsByTheirKey(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r := splitRecord() // id h/1/2
	info, status := r.Split()
	forgedInfo := info
	forgedInfo.Flags = nil
	forgedInfo.Host = "forged"
	forgedStatus := status
	forgedStatus.Revision = 1 << 40
	put := func(key string, value []byte) {
		t.Helper()
		if _, err := cli.Put(ctx, key, string(value)); err != nil {
			t.Fatal(err)
		}
	}
	put(presence.InfoKey("/svc", r.ID), mustInfo(t, info))
	put(presence.Key("/svc", r.ID), mustStatus(t, status))
	for _, id := range []string{"a-forged", "z-forged"} { // before and after h/1/2
		put(presence.InfoKey("/svc", id), mustInfo(t, forgedInfo))
		put(presence.Key("/svc", id), mustStatus(t, forgedStatus))
	}
	l, err := presence.Read(ctx, cli, "/svc")
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Records) != 1 || !reflect.DeepEqual(l.Records[0], r) {
		t.Errorf("Read records:\n got %+v\nwant only %+v", l.Records, r)
	}
	var keys []string
	for _, inv := range l.Invalid {
		keys = append(keys, inv.Key)
		if !errors.Is(inv, presence.ErrNotItsKey) {
			t.Errorf("invalid %s: %v, want ErrNotItsKey", inv.Key, inv.Err)
		}
	}
	want := []string{"/svc@presence-info/a-forged", "/svc@presence-info/z-forged", "/svc@presence/a-forged", "/svc@presence/z-forged"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("Read invalid keys %q, want %q", keys, want)
	}
	records, _, err := presence.List(ctx, cli, "/svc")
	if len(records) != 1 || !errors.Is(err, presence.ErrNotItsKey) {
		t.Errorf("List = %d records, %v; want 1 and an error naming the forged keys", len(records), err)
	}
}

func mustInfo(t *testing.T, info presence.Info) []byte {
	t.Helper()
	out, err := presence.EncodeInfo(info)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func mustStatus(t *testing.T, status presence.Status) []byte {
	t.Helper()
	out, err := presence.EncodeStatus(status)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

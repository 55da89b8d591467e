package realetcd_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/watcher/etcdtest"
	"github.com/flagz-go/flagz/watcher/presence"
	"github.com/spf13/pflag"
	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// A change costs one small put of the status key: the info (identity,
// schema, static values) is written once, at start, and stays as it was.
func TestPresenceChangeWritesOnlyTheStatus(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	fs := pflag.NewFlagSet("fleet", pflag.ContinueOnError)
	const flags = 100
	for j := range flags {
		flagz.DynInt64(fs, fmt.Sprintf("f%03d", j), 0, "a flag with a usage text of some length").
			WithValidator(flagz.ValidateDynInt64Range(0, 1_000_000))
	}
	fs.Int("port", 8080, "listen port (static)")
	w, _ := startWatcher(t, fs, cli, presenceOptions("proc-1")...)
	base := put(t, cli, "f000", "1")
	awaitRecord(t, cli, "proc-1", "up", atRevision(base))

	infoKey := presence.InfoKey(prefix, "proc-1")
	infoBefore := getKV(t, cli, infoKey)
	info, err := presence.Decode(infoBefore.Value)
	if err != nil || len(info.Flags) != flags+1 || info.Values["port"] != "8080" || info.Values["f001"] != "" {
		t.Fatalf("info = %+v, %v; want the schema of %d flags and the static values only", info, err, flags+1)
	}

	ctx, cancel := context.WithCancel(ctxT(t))
	defer cancel()
	statusPuts := cli.Watch(ctx, presence.Prefix(prefix), clientv3.WithPrefix(), clientv3.WithRev(base+1))
	infoPuts := cli.Watch(ctx, presence.InfoPrefix(prefix), clientv3.WithPrefix(), clientv3.WithRev(infoBefore.ModRevision+1))
	rev := put(t, cli, "f001", "5")
	rec := awaitRecord(t, cli, "proc-1", "the change", atRevision(rev))
	if rec.Values["f001"] != "5" || rec.Values["port"] != "8080" || len(rec.Flags) != flags+1 || rec.Host == "" {
		t.Errorf("joined record: values %v, %d flags, host %q", rec.Values, len(rec.Flags), rec.Host)
	}

	// Markers written last: every write before them is counted.
	end, err := cli.Txn(ctxT(t)).Then(
		clientv3.OpPut(presence.Prefix(prefix)+"~end", "{}"),
		clientv3.OpPut(presence.InfoPrefix(prefix)+"~end", "{}"),
	).Commit()
	if err != nil {
		t.Fatal(err)
	}
	var status []*mvccpb.KeyValue
	for _, kv := range puts(t, statusPuts, end.Header.Revision) {
		r, err := presence.Decode(kv.Value)
		if err != nil {
			t.Fatalf("status put at %d: %v", kv.ModRevision, err)
		}
		if r.Revision >= rev { // writes of the start-up may land after base
			status = append(status, kv)
		}
	}
	if len(status) != 1 {
		t.Fatalf("%d puts under %s for one change, want 1", len(status), presence.Prefix(prefix))
	}
	if infos := puts(t, infoPuts, end.Header.Revision); len(infos) != 0 {
		t.Errorf("%d puts of the info for a change that left it as it was, want none", len(infos))
	}
	if after := getKV(t, cli, infoKey); after.ModRevision != infoBefore.ModRevision {
		t.Errorf("info mod revision %d after the change, want %d", after.ModRevision, infoBefore.ModRevision)
	}
	value := string(status[0].Value)
	if strings.Contains(value, "usage") || strings.Contains(value, "constraints") || strings.Contains(value, `"port"`) {
		t.Errorf("the status repeats the info: %s", value)
	}
	if len(value) >= len(infoBefore.Value)/2 {
		t.Errorf("status of %d flags is %d B, the info %d B: want it well under", flags, len(value), len(infoBefore.Value))
	}
	t.Logf("%d flags: status %d B, info %d B", flags, len(value), len(infoBefore.Value))

	// Both keys go with the lease.
	w.Stop()
	for _, key := range []string{presence.Key(prefix, "proc-1"), infoKey} {
		if resp, err := cli.Get(ctxT(t), key); err != nil || len(resp.Kvs) != 0 {
			t.Errorf("%s after Stop: %v, %v; want it deleted", key, resp, err)
		}
	}
}

func getKV(t *testing.T, cli *clientv3.Client, key string) *mvccpb.KeyValue {
	t.Helper()
	resp, err := cli.Get(ctxT(t), key)
	if err != nil || len(resp.Kvs) != 1 {
		t.Fatalf("get %s: %v, %v", key, resp, err)
	}
	return resp.Kvs[0]
}

// puts returns the puts a watch delivers before revision end (the marker).
func puts(t *testing.T, wch clientv3.WatchChan, end int64) []*mvccpb.KeyValue {
	t.Helper()
	var out []*mvccpb.KeyValue
	for resp := range wch {
		if err := resp.Err(); err != nil {
			t.Fatal(err)
		}
		for _, ev := range resp.Events {
			if ev.Kv.ModRevision >= end {
				return out
			}
			if ev.Type == clientv3.EventTypePut {
				out = append(out, ev.Kv)
			}
		}
	}
	t.Fatal("watch ended before the marker")
	return nil
}

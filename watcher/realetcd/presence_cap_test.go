package realetcd_test

import (
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/watcher"
	"github.com/flagz-go/flagz/watcher/etcdtest"
	"github.com/flagz-go/flagz/watcher/presence"
)

// A process whose flags hold big values keeps publishing its presence: a
// 300 KB string value (1.8 MB once escaped in JSON) and an 800 KB refused
// duration (whose refusal's reason repeats it) would each push the record
// past etcd's request limit, and --wait would then see a process that
// applied every change as not answering. The record stays under
// presence.MaxRecordBytes, the big texts cut with their mark, and its
// revision keeps up with the writes.
func TestPresenceRecordStaysSmallWithBigValues(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	f := newTestFlags()
	blob := flagz.DynString(f.fs, "blob", "", "a big text").WithMaxSize(-1)
	flagz.DynDuration(f.fs, "wait", time.Second, "a duration").WithMaxSize(-1)
	w, _ := startWatcher(t, f.fs, cli, presenceOptions("proc-1", watcher.WithRollback(false))...)

	big := strings.Repeat("\x01", 300<<10) // six bytes each in JSON: \u0001
	applied := put(t, cli, "blob", big)
	rec := awaitRecord(t, cli, "proc-1", "the big value applied", atRevision(applied))
	if blob.Get() != big {
		t.Fatal("the big value was not applied")
	}
	if v := rec.Values["blob"]; !presence.IsCut(v) || !presence.Matches(v, big) || v == big {
		t.Errorf("blob published as %.40q…: want the value cut, with its mark", v)
	}

	refused := put(t, cli, "wait", strings.Repeat("9", 800<<10)+"s")
	rec = awaitRecord(t, cli, "proc-1", "the big refusal", atRevision(refused))
	rej, ok := rec.Rejection("wait")
	if !ok || rej.Revision != refused || !presence.IsCut(rej.Value) || rej.Reason == "" {
		t.Errorf("rejection of wait: %.80q…, %v; want one at %d with the value cut", rej.Value, ok, refused)
	}
	if len(rej.Reason) > presence.MaxText+100 {
		t.Errorf("the reason is %d bytes long: not cut", len(rej.Reason))
	}
	if _, ok := rec.Refusal("wait", refused); !ok {
		t.Errorf("Refusal(wait, %d) not found: --wait would not learn of the refusal", refused)
	}

	// Later changes are still published: --wait sees the process apply them.
	later := put(t, cli, "rate", "7")
	awaitRecord(t, cli, "proc-1", "a later change", atRevision(later))
	for _, key := range []string{presence.Key(prefix, "proc-1"), presence.InfoKey(prefix, "proc-1")} {
		raw, err := cli.Get(ctxT(t), key)
		if err != nil || len(raw.Kvs) != 1 {
			t.Fatalf("get %s: %v", key, err)
		}
		if n := len(raw.Kvs[0].Value); n > presence.MaxRecordBytes {
			t.Errorf("%s holds %d bytes, over %d", key, n, presence.MaxRecordBytes)
		}
	}
	if p := w.Status().Problems; len(p) != 0 {
		t.Errorf("Status().Problems = %+v, want none", p)
	}
}

package realetcd_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/watcher"
	"github.com/flagz-go/flagz/watcher/etcdtest"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// Fault test 9: a process that starts while etcd is down serves the values
// the snapshot file kept, reports DEGRADED, and follows etcd once it
// answers.
func TestSnapshotFileServesValuesWhileEtcdIsDown(t *testing.T) {
	srv := etcdtest.Start(t)
	path := filepath.Join(t.TempDir(), "flags.json")
	cli := srv.Client(t)
	put(t, cli, "rate", "250")
	put(t, cli, "port", "9090")
	put(t, cli, "limit", "bad") // never applied: not saved

	first := newTestFlags()
	w1, _ := startWatcher(t, first.fs, cli, fastOptions(watcher.WithSnapshotFile(path))...)
	put(t, cli, "rate", "321")
	put(t, cli, "name", "bob")
	eventually(t, "first process applied the updates", func() bool {
		return first.rate.Get() == 321 && first.name.Get() == "bob"
	})
	w1.Stop()
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("snapshot file: %v, %v; want mode 0600", fi, err)
	}
	cli.Close()
	srv.Stop()

	// A new process, etcd down.
	second := newTestFlags()
	cli2 := etcdtest.NewClient(t, srv.Endpoint())
	w2 := newWatcher(t, second.fs, cli2, fastOptions(
		watcher.WithSnapshotFile(path),
		watcher.WithHealthCheck(100*time.Millisecond, 300*time.Millisecond))...)
	report, err := w2.Initialize(context.Background())
	if err != nil {
		t.Fatalf("Initialize with etcd down and a snapshot file: %v", err)
	}
	if second.rate.Get() != 321 || second.name.Get() != "bob" || *second.port != 9090 || second.limit.Get() != 10 {
		t.Errorf("from the snapshot: rate %d, name %q, port %d, limit %d; want 321, bob, 9090, 10",
			second.rate.Get(), second.name.Get(), *second.port, second.limit.Get())
	}
	if report.Count(record.Applied) != 3 {
		t.Errorf("snapshot report = %+v, want 3 applied", report)
	}
	if st := w2.Status(); st.State != record.StateDegraded || st.Err == "" {
		t.Errorf("status = %+v, want DEGRADED with a reason", st)
	}
	if err := w2.Start(context.Background()); err != nil {
		t.Fatal(err)
	}

	srv.Restart()
	writer := srv.Client(t)
	put(t, writer, "rate", "654")
	eventually(t, "serving from etcd again", func() bool {
		return second.rate.Get() == 654 && state(w2) == record.StateServing
	})
}

// Without a snapshot file, Initialize with etcd down fails and says why.
func TestInitializeFailsWhenEtcdIsDownWithoutSnapshot(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	srv.Stop()
	f := newTestFlags()
	w := newWatcher(t, f.fs, cli, fastOptions(watcher.WithHealthCheck(100*time.Millisecond, 300*time.Millisecond))...)
	if _, err := w.Initialize(context.Background()); err == nil {
		t.Fatal("Initialize with etcd down returned no error")
	}
	if st := w.Status(); st.State != record.StateConnecting || st.Err == "" {
		t.Errorf("status = %+v, want CONNECTING with a reason", st)
	}
}

// Issue 9.3: the snapshot file keeps values byte for byte. A process that
// restarts while etcd is down gets back a string that is not valid UTF-8
// and a binary protobuf value exactly as etcd held them.
func TestSnapshotFileKeepsBytesExactly(t *testing.T) {
	const text = "\xff\xfe ok"
	// A BytesValue whose payload is not valid UTF-8, in wire format. Were
	// its \xff replaced by U+FFFD, the bytes would still parse, as another
	// message.
	want := wrapperspb.Bytes([]byte("\xff\x08\x01"))
	wire, err := proto.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	declare := func() (*testFlags, *flagz.DynProtoValue[*wrapperspb.BytesValue]) {
		f := newTestFlags()
		return f, flagz.DynProto(f.fs, "blob", &wrapperspb.BytesValue{}, "binary value")
	}
	check := func(when string, f *testFlags, blob *flagz.DynProtoValue[*wrapperspb.BytesValue]) {
		t.Helper()
		if got := f.name.Get(); got != text {
			t.Errorf("%s: name = %q, want %q", when, got, text)
		}
		if got := blob.Get(); !proto.Equal(got, want) {
			t.Errorf("%s: blob = %x, want %x", when, got.GetValue(), want.GetValue())
		}
	}

	srv := etcdtest.Start(t)
	path := filepath.Join(t.TempDir(), "flags.json")
	cli := srv.Client(t)
	put(t, cli, "name", text)
	put(t, cli, "blob", string(wire))
	first, firstBlob := declare()
	w1, _ := startWatcher(t, first.fs, cli, fastOptions(watcher.WithSnapshotFile(path))...)
	check("from etcd", first, firstBlob)
	w1.Stop()
	cli.Close()
	srv.Stop()

	second, secondBlob := declare()
	w2 := newWatcher(t, second.fs, etcdtest.NewClient(t, srv.Endpoint()), fastOptions(
		watcher.WithSnapshotFile(path),
		watcher.WithHealthCheck(100*time.Millisecond, 300*time.Millisecond))...)
	report, err := w2.Initialize(context.Background())
	if err != nil {
		t.Fatalf("Initialize with etcd down and a snapshot file: %v", err)
	}
	if report.Count(record.Applied) != 2 || len(report) != 2 {
		t.Errorf("snapshot report = %+v, want 2 applied", report)
	}
	check("from the snapshot file", second, secondBlob)
	if st := w2.Status(); st.State != record.StateDegraded {
		t.Errorf("state = %v, want DEGRADED", st.State)
	}
}

// A snapshot file of another format, or of another source, is refused with
// an error that says so; nothing from it is applied.
func TestSnapshotFileOfAnotherFormatOrSourceIsRefused(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	put(t, cli, "rate", "250")
	dir := t.TempDir()
	otherSource := filepath.Join(dir, "other-source.json")
	first := newTestFlags()
	w1 := newWatcher(t, first.fs, cli, fastOptions(watcher.WithSnapshotFile(otherSource), watcher.WithSourceName("elsewhere"))...)
	if _, err := w1.Initialize(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv.Stop()

	oldFormat := filepath.Join(dir, "old-format.json")
	if err := os.WriteFile(oldFormat, []byte(`{"prefix": "/svc/flags", "revision": 3, "values": {"rate": "300"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{oldFormat: "format", otherSource: `"elsewhere"`} {
		f := newTestFlags()
		w := newWatcher(t, f.fs, cli, fastOptions(
			watcher.WithSnapshotFile(path),
			watcher.WithHealthCheck(100*time.Millisecond, 300*time.Millisecond))...)
		_, err := w.Initialize(context.Background())
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), path) {
			t.Errorf("Initialize with %s: error %v, want one naming the file and %s", filepath.Base(path), err, want)
		}
		if f.rate.Get() != 100 {
			t.Errorf("Initialize with %s: rate = %d, want its default", filepath.Base(path), f.rate.Get())
		}
	}
}

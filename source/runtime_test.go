package source

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/record"
	"github.com/spf13/pflag"
)

// memOrigin is an Origin held in memory: a real implementation of the
// interface, for the runtime's own mechanics. Sources are tested against
// their real origins with package sourcetest.
type memOrigin struct {
	mu     sync.Mutex
	values map[string]string
	down   bool
}

var errDown = errors.New("origin down")

func (o *memOrigin) List(context.Context) (Snapshot, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.down {
		return Snapshot{}, errDown
	}
	return Snapshot{Revision: 1, Values: maps.Clone(o.values)}, nil
}

func (o *memOrigin) Follow(ctx context.Context, _ int64, sink Sink) error {
	sink.Serving()
	<-ctx.Done()
	return ctx.Err()
}

// The snapshot file stores every value byte for byte, binary ones
// included, and a process that starts while its origin is down serves them.
func TestSnapshotFileKeepsBytesExactly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flags.snapshot")
	values := map[string]string{"text": "héllo\n", "bytes": "\xff\xfe ok", "proto": "\x0a\x03\xc3\x28\x00"}
	cfg := Config{Name: "mem", SnapshotFile: path, Logger: slog.New(slog.DiscardHandler)}

	declare := func(t *testing.T) (*Runtime, map[string]*flagz.DynStringValue, *memOrigin) {
		fs := newFlagSet(t)
		flags := map[string]*flagz.DynStringValue{}
		for name := range values {
			flags[name] = flagz.DynString(fs, name, "", "")
		}
		o := &memOrigin{values: values}
		return mustNew(t, fs, o, cfg), flags, o
	}

	r, _, _ := declare(t)
	if _, err := r.Initialize(t.Context()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"text": "h\u00e9llo\n"`) && !strings.Contains(string(data), `"text": "héllo\n"`) {
		t.Errorf("a text value is not stored as readable text:\n%s", data)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("snapshot file mode %v, %v; want 0600", info.Mode(), err)
	}

	// A restart while the origin is down.
	r2, flags, o := declare(t)
	o.down = true
	report, err := r2.Initialize(t.Context())
	if err != nil || report == nil {
		t.Fatalf("Initialize with the origin down and a snapshot file = %v, %v", report, err)
	}
	for name, want := range values {
		if got := flags[name].Get(); got != want {
			t.Errorf("%s = %q after the restart, want %q", name, got, want)
		}
	}
	if st := r2.Status(); st.State != record.StateDegraded || !strings.Contains(st.Err, "origin down") {
		t.Errorf("status %+v, want DEGRADED with the reason", st)
	}
}

func TestSnapshotFileOfAnotherSourceOrFormatIsRefused(t *testing.T) {
	data, err := encodeSnapshot("a", 3, map[string]string{"x": "1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := decodeSnapshot("b", data); err == nil || !strings.Contains(err.Error(), `"a"`) {
		t.Errorf("snapshot of source a read as b: %v", err)
	}
	old := []byte(`{"prefix": "/x", "revision": 3, "values": {"x": "1"}}`)
	if _, err := decodeSnapshot("a", old); err == nil || !strings.Contains(err.Error(), "format") {
		t.Errorf("a file of another format: %v", err)
	}
	s, err := decodeSnapshot("a", data)
	if err != nil || s.Revision != 3 || s.Values["x"] != "1" {
		t.Errorf("round trip: %+v, %v", s, err)
	}
}

// New refuses a configuration it cannot run, naming the setting.
func TestNewRefusesBadConfig(t *testing.T) {
	fs := newFlagSet(t)
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{}, "Config.Name"},
		{Config{Name: "x", MinBackoff: 2, MaxBackoff: 1}, "Config.MinBackoff"},
		{Config{Name: "x", MinBackoff: -1}, "Config.MinBackoff"},
		{Config{Name: "x", MaxBackoff: -1}, "Config.MinBackoff"},
		{Config{Name: "x", ResyncPeriod: -1}, "Config.ResyncPeriod"},
		{Config{Name: "x", StopTimeout: -1}, "Config.StopTimeout"},
	} {
		if r, err := New(fs, &memOrigin{}, c.cfg); r != nil || err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New with %+v = %v, %v; want an error naming %s", c.cfg, r, err, c.want)
		}
	}
	if r, err := New(fs, nil, Config{Name: "x"}); r != nil || err == nil || !strings.Contains(err.Error(), "origin") {
		t.Errorf("New with a nil origin = %v, %v; want an error", r, err)
	}
	// Zero backoff bounds are the defaults; a minimum above the default
	// maximum is its own maximum.
	r := mustNew(t, fs, &memOrigin{}, Config{Name: "x", MinBackoff: time.Minute})
	if r.cfg.MinBackoff != time.Minute || r.cfg.MaxBackoff != time.Minute {
		t.Errorf("backoff %v..%v, want 1m..1m", r.cfg.MinBackoff, r.cfg.MaxBackoff)
	}
	r = mustNew(t, fs, &memOrigin{}, Config{Name: "x"})
	if r.cfg.MinBackoff != DefaultMinBackoff || r.cfg.MaxBackoff != DefaultMaxBackoff || r.cfg.Logger == nil || r.cfg.StopTimeout != DefaultStopTimeout {
		t.Errorf("defaults: %+v", r.cfg)
	}
}

// A name an ad hoc writer uses cannot be claimed.
func TestRuntimeNameInUse(t *testing.T) {
	fs := newFlagSet(t)
	flagz.EngineFor(fs).Source("debug", nil)
	r := mustNew(t, fs, &memOrigin{}, Config{Name: "debug"})
	if _, err := r.Initialize(t.Context()); !errors.Is(err, ErrNameInUse) {
		t.Errorf("claiming an ad hoc source's name = %v, want ErrNameInUse", err)
	}
}

// While a runtime serves its snapshot file (origin down), its status says
// so, and the flags it holds point at the file; once the origin answers,
// the mark goes.
func TestSnapshotOriginIsShown(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flags.snapshot")
	cfg := Config{Name: "mem", SnapshotFile: path, Logger: slog.New(slog.DiscardHandler)}
	fs := newFlagSet(t)
	flagz.DynString(fs, "greeting", "hi", "")
	o := &memOrigin{values: map[string]string{"greeting": "hello"}}
	if _, err := mustNew(t, fs, o, cfg).Initialize(t.Context()); err != nil {
		t.Fatal(err)
	}
	if st := flagz.EngineFor(fs).Sources()[0]; st.Snapshot != nil {
		t.Errorf("a source its origin answered is marked as served from the file: %+v", st.Snapshot)
	}

	fs2 := newFlagSet(t)
	flagz.DynString(fs2, "greeting", "hi", "")
	o.down = true
	r := mustNew(t, fs2, o, cfg)
	if _, err := r.Initialize(t.Context()); err != nil {
		t.Fatal(err)
	}
	st, _ := flagz.EngineFor(fs2).Flag("greeting")
	if len(st.HeldBy) != 1 || st.HeldBy[0].Snapshot == nil || st.HeldBy[0].Snapshot.Path != path || st.HeldBy[0].Snapshot.Written.IsZero() {
		t.Fatalf("held by %+v, want the snapshot file", st.HeldBy)
	}
	if s := r.Status(); s.Snapshot == nil || s.Snapshot.Path != path {
		t.Errorf("source status %+v", s.Snapshot)
	}
	o.mu.Lock()
	o.down = false
	o.mu.Unlock()
	if _, err := r.Initialize(t.Context()); err != nil {
		t.Fatal(err)
	}
	if s := r.Status(); s.Snapshot != nil {
		t.Errorf("still marked as served from the file after the origin answered: %+v", s.Snapshot)
	}
}

func mustNew(t testing.TB, fs *pflag.FlagSet, o Origin, cfg Config) *Runtime {
	t.Helper()
	r, err := New(fs, o, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func newFlagSet(t testing.TB) *pflag.FlagSet {
	t.Helper()
	return pflag.NewFlagSet(t.Name(), pflag.ContinueOnError)
}

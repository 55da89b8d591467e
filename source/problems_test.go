package source

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/internal/wait"
	"github.com/flagz-go/flagz/record"
)

// problemLog counts, by level, the records logged with a "problem"
// attribute.
type problemLog struct {
	mu     sync.Mutex
	counts map[slog.Level]int
}

func (h *problemLog) Enabled(context.Context, slog.Level) bool { return true }
func (h *problemLog) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *problemLog) WithGroup(string) slog.Handler            { return h }
func (h *problemLog) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "problem" {
			h.mu.Lock()
			if h.counts == nil {
				h.counts = map[slog.Level]int{}
			}
			h.counts[r.Level]++
			h.mu.Unlock()
		}
		return true
	})
	return nil
}

func (h *problemLog) count(level slog.Level) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.counts[level]
}

// problem returns the source's problem called name, if it has it.
func problem(st record.SourceStatus, name string) (record.Problem, bool) {
	for _, p := range st.Problems {
		if p.Name == name {
			return p, true
		}
	}
	return record.Problem{}, false
}

// A snapshot file in a directory that does not exist is the source's
// problem "snapshot", with its error and since when, from the first failed
// write on; it is logged once, as a warning, however many changes and
// retries fail; the runtime retries without waiting for a change, and the
// problem ends (logged once) when the directory appears. The flags are
// applied all along.
func TestSnapshotProblemLoggedOnceClearedWhenTheDirectoryAppears(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "not-yet")
	path := filepath.Join(dir, "flags.snapshot")
	logs := &problemLog{}
	fs := newFlagSet(t)
	rate := flagz.DynInt64(fs, "rate", 10, "rate")
	o := &pushOrigin{memOrigin: memOrigin{values: map[string]string{"rate": "1"}}, sinks: make(chan Sink, 1)}
	r := mustNew(t, fs, o, Config{Name: "mem", Logger: slog.New(logs), SnapshotFile: path,
		MinBackoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond})
	t.Cleanup(r.Stop)

	before := time.Now()
	if _, err := r.Initialize(t.Context()); err != nil {
		t.Fatal(err)
	}
	p, ok := problem(r.Status(), ProblemSnapshot)
	if !ok || p.Since.Before(before) || p.Since.After(time.Now()) || p.Err == "" {
		t.Fatalf("after a failed write: problems %+v, want %q with its error and start", r.Status().Problems, ProblemSnapshot)
	}
	if rate.Get() != 1 {
		t.Fatalf("rate = %d, want 1: a problem must not stop the values", rate.Get())
	}
	if err := r.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	sink := <-o.sinks
	for i := 2; i <= 21; i++ {
		sink.Update(int64(i), map[string]string{"rate": strconv.Itoa(i)})
	}
	// Each attempt writes a temporary file of a new random name, which
	// its error names: three different errors are three attempts at least.
	errs := map[string]bool{}
	wait.Until(t, timeout, "three failed writes", func() bool {
		if p, ok := problem(r.Status(), ProblemSnapshot); ok {
			errs[p.Err] = true
		}
		return len(errs) >= 3
	})
	if q, _ := problem(r.Status(), ProblemSnapshot); !q.Since.Equal(p.Since) {
		t.Errorf("the problem's start moved from %v to %v while it went on", p.Since, q.Since)
	}
	if rate.Get() != 21 {
		t.Errorf("rate = %d, want 21", rate.Get())
	}
	if n := logs.count(slog.LevelWarn); n != 1 {
		t.Errorf("%d warnings of the problem over 20 changes and their retries, want 1", n)
	}

	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	wait.Until(t, timeout, "the problem cleared", func() bool { return len(r.Status().Problems) == 0 })
	saved, err := readSnapshotFile(path, "mem")
	if err != nil || saved.Values["rate"] != "21" {
		t.Errorf("snapshot file after the directory appeared: %+v, %v; want rate 21", saved, err)
	}
	if w, i := logs.count(slog.LevelWarn), logs.count(slog.LevelInfo); w != 1 || i != 1 {
		t.Errorf("logged %d warnings and %d infos of the problem, want one of each", w, i)
	}
}

// SetProblem records a problem by name, with its last error and when it
// started; subscribers hear when it starts and ends, not when only its
// error changes; Stop ends what is left.
func TestSetProblemEventsAndStop(t *testing.T) {
	logs := &problemLog{}
	fs := newFlagSet(t)
	flagz.DynInt64(fs, "rate", 10, "rate")
	r := mustNew(t, fs, &memOrigin{}, Config{Name: "mem", Logger: slog.New(logs)})
	r.SetProblem("early", errors.New("before the source runs")) // ignored
	if _, err := r.Initialize(t.Context()); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen [][]record.Problem
	unsubscribe := flagz.EngineFor(fs).Subscribe(func(ev flagz.Event) {
		if ev.State != nil {
			mu.Lock()
			seen = append(seen, ev.State.Problems)
			mu.Unlock()
		}
	})
	defer unsubscribe()
	events := func(n int) [][]record.Problem {
		var out [][]record.Problem
		wait.Until(t, timeout, strconv.Itoa(n)+" events", func() bool {
			mu.Lock()
			defer mu.Unlock()
			out = append(out[:0], seen...)
			return len(out) >= n
		})
		return out
	}

	r.SetProblem("writer", errors.New("first"))
	r.SetProblem("writer", errors.New("second"))
	r.SetProblem("another", errors.New("other"))
	st := r.Status()
	if len(st.Problems) != 2 || st.Problems[0].Name != "another" || st.Problems[1].Name != "writer" || st.Problems[1].Err != "second" {
		t.Fatalf("problems %+v, want another and writer (second), by name", st.Problems)
	}
	got := events(2)
	if len(got[0]) != 1 || got[0][0].Name != "writer" || len(got[1]) != 2 {
		t.Errorf("events %+v, want writer started, then another", got)
	}
	r.SetProblem("writer", nil)
	r.SetProblem("writer", nil)
	if got := events(3); len(got[2]) != 1 || got[2][0].Name != "another" {
		t.Errorf("event after writer ended: %+v", got[2])
	}
	r.Stop()
	if p := r.Status().Problems; p != nil {
		t.Errorf("problems after Stop: %+v", p)
	}
	if w, i := logs.count(slog.LevelWarn), logs.count(slog.LevelInfo); w != 2 || i != 2 {
		t.Errorf("logged %d warnings and %d infos, want 2 starts and 2 ends", w, i)
	}
	// Stop: the state STOPPED, then the end of the problem left.
	if got := events(5); got[4] != nil {
		t.Errorf("events %+v: want the last without problems", got)
	}
}

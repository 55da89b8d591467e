package source

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/record"
)

// historyOrigin is a WriteBacker held in memory with a history of writes,
// like etcd's: one revision per write, and history below compactedTo gone.
type historyOrigin struct {
	mu          sync.Mutex
	rev         int64
	writes      map[string][]write // per name, oldest first
	compactedTo int64
}

type write struct {
	rev     int64
	value   string
	deleted bool
}

func (o *historyOrigin) put(name, value string) int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.rev++
	if o.writes == nil {
		o.writes = map[string][]write{}
	}
	o.writes[name] = append(o.writes[name], write{rev: o.rev, value: value})
	return o.rev
}

// compact drops the history before the next write.
func (o *historyOrigin) compact() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.compactedTo = o.rev + 1
}

// latest returns the last write of name.
func (o *historyOrigin) latest(name string) write {
	o.mu.Lock()
	defer o.mu.Unlock()
	ws := o.writes[name]
	if len(ws) == 0 {
		return write{deleted: true}
	}
	return ws[len(ws)-1]
}

func (o *historyOrigin) List(context.Context) (Snapshot, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	s := Snapshot{Revision: o.rev, Values: map[string]string{}, Versions: map[string]int64{}}
	for name, ws := range o.writes {
		if w := ws[len(ws)-1]; !w.deleted {
			s.Values[name], s.Versions[name] = w.value, w.rev
		}
	}
	return s, nil
}

func (o *historyOrigin) Follow(ctx context.Context, _ int64, sink Sink) error {
	sink.Serving()
	<-ctx.Done()
	return ctx.Err()
}

func (o *historyOrigin) Before(_ context.Context, name string, version int64) (string, int64, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if version-1 < o.compactedTo {
		return "", 0, fmt.Errorf("%w: compacted", ErrHistoryGone)
	}
	ws := o.writes[name]
	for i := len(ws) - 1; i >= 0; i-- {
		if w := ws[i]; w.rev < version {
			if w.deleted {
				return "", 0, nil
			}
			return w.value, w.rev, nil
		}
	}
	return "", 0, nil
}

func (o *historyOrigin) WriteBack(_ context.Context, name string, badVersion int64, good *string) (bool, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	ws := o.writes[name]
	if len(ws) == 0 || ws[len(ws)-1].rev != badVersion {
		return false, nil
	}
	o.rev++
	w := write{rev: o.rev, deleted: good == nil}
	if good != nil {
		w.value = *good
	}
	o.writes[name] = append(ws, w)
	return true, nil
}

// undoRuntime initializes a runtime with rollback over o, whose "rate"
// flag takes 1..1000.
func undoRuntime(t *testing.T, o *historyOrigin) (*Runtime, *flagz.DynInt64Value) {
	t.Helper()
	fs := newFlagSet(t)
	rate := flagz.DynInt64(fs, "rate", 5, "").WithValidator(flagz.ValidateDynInt64Range(1, 1000))
	r := mustNew(t, fs, o, Config{Name: "history", Rollback: true, Logger: slog.New(slog.DiscardHandler)})
	if _, err := r.Initialize(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Stop)
	return r, rate
}

// refuse hands a write of value to the runtime as a change, as Follow
// would, and returns its revision.
func refuse(t *testing.T, r *Runtime, o *historyOrigin, value string) int64 {
	t.Helper()
	rev := o.put("rate", value)
	src := r.src.Load()
	report := src.Update(rev, map[string]string{"rate": value})
	if report[0].Result != record.Rejected {
		t.Fatalf("rate=%s: %v, want Rejected", value, report[0])
	}
	r.writeBackUpdate(context.Background(), src, report, rev, map[string]string{"rate": value})
	return rev
}

// What a rollback restores, case by case.
func TestUndoTarget(t *testing.T) {
	t.Run("passes over the writes it refused", func(t *testing.T) {
		o := &historyOrigin{}
		o.put("rate", "500")
		r, _ := undoRuntime(t, o)
		bad := o.put("rate", "-1") // refused, its rollback lost to the next write
		r.undo.refusedAt("rate", bad)
		refuse(t, r, o, "-2")
		if w := o.latest("rate"); w.value != "500" {
			t.Errorf("rate = %+v, want 500 back", w)
		}
	})
	t.Run("too many refused writes: the last applied value", func(t *testing.T) {
		o := &historyOrigin{}
		o.put("rate", "500")
		r, _ := undoRuntime(t, o)
		o.put("rate", "7") // applied by no one here: only a walk would find it
		for i := range maxUndoSteps {
			r.undo.refusedAt("rate", o.put("rate", fmt.Sprint(-i-1)))
		}
		refuse(t, r, o, "-100")
		if w := o.latest("rate"); w.value != "500" {
			t.Errorf("rate = %+v, want the last applied 500", w)
		}
	})
	t.Run("history gone: the last applied value", func(t *testing.T) {
		o := &historyOrigin{}
		o.put("rate", "500")
		r, _ := undoRuntime(t, o)
		o.put("rate", "600")
		o.compact()
		refuse(t, r, o, "2000")
		if w := o.latest("rate"); w.value != "500" {
			t.Errorf("rate = %+v, want the last applied 500", w)
		}
	})
	t.Run("history gone and nothing applied: left alone", func(t *testing.T) {
		o := &historyOrigin{}
		r, _ := undoRuntime(t, o)
		o.put("rate", "600")
		o.compact()
		bad := refuse(t, r, o, "2000")
		if w := o.latest("rate"); w.rev != bad {
			t.Errorf("rate = %+v, want the refused write left alone", w)
		}
	})
	t.Run("the value before is the refused one: left alone", func(t *testing.T) {
		o := &historyOrigin{}
		o.put("rate", "2000") // refused at the initial load: stays
		r, _ := undoRuntime(t, o)
		bad := refuse(t, r, o, "2000")
		if w := o.latest("rate"); w.rev != bad {
			t.Errorf("rate = %+v, want the refused write left alone", w)
		}
	})
	t.Run("did not exist before: deleted", func(t *testing.T) {
		o := &historyOrigin{}
		r, _ := undoRuntime(t, o)
		refuse(t, r, o, "2000")
		if w := o.latest("rate"); !w.deleted {
			t.Errorf("rate = %+v, want deleted", w)
		}
	})
	t.Run("a value taken forgets the refusals before it", func(t *testing.T) {
		o := &historyOrigin{}
		r, _ := undoRuntime(t, o)
		refuse(t, r, o, "2000")
		rev := o.put("rate", "9")
		src := r.src.Load()
		r.writeBackUpdate(context.Background(), src, src.Update(rev, map[string]string{"rate": "9"}), rev, map[string]string{"rate": "9"})
		if r.undo.wasRefused("rate", 1) || len(r.undo.refused) != 0 {
			t.Errorf("refusals remembered after a value was applied: %v", r.undo.refused)
		}
	})
}

// At most maxRefused refusals are remembered per name.
func TestRefusalsRememberedAreBounded(t *testing.T) {
	var u undoState
	for v := range int64(3 * maxRefused) {
		u.refusedAt("rate", v+1)
	}
	if n := len(u.refused["rate"]); n != maxRefused || u.wasRefused("rate", 1) || !u.wasRefused("rate", 3*maxRefused) {
		t.Errorf("remembered %d refusals (first kept: %v), want the last %d", n, !u.wasRefused("rate", 1), maxRefused)
	}
}

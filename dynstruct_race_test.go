package flagz

import (
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flagz-go/flagz/internal/wait"
	"github.com/flagz-go/flagz/record"
)

// five is a struct whose fields always agree: B = A+1, … E = A+4.
type five struct{ A, B, C, D, E int64 }

func (f five) consistent() bool {
	return f.B == f.A+1 && f.C == f.A+2 && f.D == f.A+3 && f.E == f.A+4
}

// Readers hammering Get never see a batch half-applied, while batches of
// all five fields and direct Sets of single fields (refused unless they
// keep the struct consistent, by a validator) run at once.
func TestDynStructNeverObservedHalfApplied(t *testing.T) {
	fs := newFlagSet(t)
	s := DynStruct(fs, "f", five{0, 1, 2, 3, 4}, "").WithValidator(func(f five) error {
		if !f.consistent() {
			return errInconsistent
		}
		return nil
	})
	var stop atomic.Bool
	var bad atomic.Int64
	var readers sync.WaitGroup
	for range 2 {
		readers.Go(func() {
			for !stop.Load() {
				if v := s.Get(); !v.consistent() {
					bad.Add(1)
				}
			}
		})
	}
	src := EngineFor(fs).Source("test", nil)
	var writers sync.WaitGroup
	writers.Go(func() {
		for i := range 20 {
			_ = fs.Set("f.c", strconv.Itoa(i)) // refused: the others do not follow
		}
	})
	for i := int64(1); i <= 2000; i++ {
		values := map[string]string{}
		for j, name := range []string{"f.a", "f.b", "f.c", "f.d", "f.e"} {
			values[name] = strconv.FormatInt(i*10+int64(j), 10)
		}
		if err := src.Update(i, values).Err(); err != nil {
			t.Fatalf("batch %d: %v", i, err)
		}
	}
	writers.Wait()
	stop.Store(true)
	readers.Wait()
	if n := bad.Load(); n > 0 {
		t.Errorf("%d reads saw a half-applied struct", n)
	}
	if got := s.Get(); got.A != 20000 || !got.consistent() {
		t.Errorf("last value %+v", got)
	}
}

var errInconsistent = errors.New("fields do not agree")

// A batch whose struct validator does not return is reported as waiting on
// the checks of one of the struct's fields, like any flag's; once it
// returns the batch applies.
func TestDynStructBatchWaitingOnItsValidatorIsReported(t *testing.T) {
	shortWaits(t, 10*time.Millisecond)
	fs := newFlagSet(t)
	h := newHolder(t)
	type pair struct{ Mode, Other string }
	s := DynStruct(fs, "p", pair{Mode: "a", Other: "b"}, "").WithValidator(func(p pair) error { return h.validate(p.Mode) })
	src := EngineFor(fs).Source("a", slog.New(slog.DiscardHandler))
	src.SetState(record.StateServing, nil)
	var done sync.WaitGroup
	done.Go(func() { src.Update(4, map[string]string{"p.mode": "hold", "p.other": "c"}) })
	<-h.entered
	wait.Until(t, time.Minute, "the source reports its wait", func() bool { return src.Status().Waiting != nil })
	if w := *src.Status().Waiting; !strings.HasPrefix(w.Flag, "p.") || w.On != record.WaitChecks || w.Revision != 4 {
		t.Errorf("waiting %+v", w)
	}
	if got := s.Get(); got != (pair{Mode: "a", Other: "b"}) {
		t.Errorf("value while waiting %+v", got)
	}
	h.open()
	done.Wait()
	if got := s.Get(); got != (pair{Mode: "hold", Other: "c"}) || src.Status().Waiting != nil {
		t.Errorf("after: %+v, waiting %+v", got, src.Status().Waiting)
	}
}

package flagz

import (
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
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

var errInconsistent = errString("fields do not agree")

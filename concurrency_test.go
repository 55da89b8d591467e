package flagz

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// Readers must never see a value no writer wrote (a torn value).
func TestConcurrentReadersAndWritersSeeWholeValues(t *testing.T) {
	fs := newFlagSet(t)
	type pair struct{ A, B int }
	j := DynJSONOf(fs, "pair", pair{}, "")
	l := DynStringSlice(fs, "list", []string{"0", "0", "0"}, "")
	n := DynInt64(fs, "n", 0, "")
	e := EngineFor(fs)
	src := e.Source("writer", nil)

	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				v := w*1000 + i
				_ = j.Set(fmt.Sprintf(`{"A":%d,"B":%d}`, v, v))
				_ = l.Set(fmt.Sprintf("%d,%d,%d", v, v, v))
				src.Update(int64(i), map[string]string{"n": fmt.Sprint(v)})
			}
		}(w)
	}
	var readers sync.WaitGroup
	for r := 0; r < 4; r++ {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if p := j.Get(); p.A != p.B {
					t.Errorf("torn JSON value %+v", p)
					return
				}
				if v := l.Get(); v[0] != v[1] || v[1] != v[2] {
					t.Errorf("torn list %v", v)
					return
				}
				_ = n.Get()
				_ = e.Flags()
				_ = e.checksumOf(nil)
				if s := l.String(); strings.Count(s, ",") != 2 {
					t.Errorf("bad list text %q", s)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	readers.Wait()
}

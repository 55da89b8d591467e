package flagz

import (
	"fmt"
	"log/slog"
	"maps"
	"testing"

	"github.com/flagz-go/flagz/record"
)

// A scrape reads the update counters while batches count: every counter it
// sees is at least one and never goes back, and once the batches are done
// VisitUpdateCounts gives every count.
func TestUpdateCountersReadWhileCounting(t *testing.T) {
	fs := newFlagSet(t)
	for i := range 50 {
		DynInt64(fs, fmt.Sprintf("f%02d", i), 0, "")
	}
	e := EngineFor(fs)
	src := e.Source("s", slog.New(slog.DiscardHandler))
	done := make(chan struct{})
	go func() {
		defer close(done)
		for rev := int64(1); rev <= 200; rev++ {
			src.Update(rev, map[string]string{fmt.Sprintf("f%02d", rev%50): fmt.Sprint(rev), "nosuch": "x"})
		}
	}()
	seen := map[updateKey]uint64{}
	for reading := true; reading; {
		select {
		case <-done:
			reading = false
		default:
		}
		e.VisitUpdateCounts(func(flag, source string, result record.Result, n uint64) {
			key := updateKey{flag, source, result}
			if n == 0 || n < seen[key] {
				t.Errorf("%+v: %d after %d", key, n, seen[key])
			}
			seen[key] = n
		})
	}

	want := map[updateKey]uint64{{flag: "", source: "s", result: record.Unknown}: 200}
	for i := range 50 {
		want[updateKey{flag: fmt.Sprintf("f%02d", i), source: "s", result: record.Applied}] = 4
	}
	visited := map[updateKey]uint64{}
	e.VisitUpdateCounts(func(flag, source string, result record.Result, n uint64) {
		visited[updateKey{flag, source, result}] = n
	})
	if !maps.Equal(visited, want) {
		t.Errorf("VisitUpdateCounts: %v, want %v", visited, want)
	}
}

package flagz

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// ReadFileFlags walks the flag set under the engine's lock for it, so it
// never races a checksum or the debug page walking the set at the same
// time (pflag's VisitAll writes its sorted cache). Run under -race.
func TestReadFileFlagsDoesNotRaceOtherReadersOfTheFlagSet(t *testing.T) {
	p := filepath.Join(t.TempDir(), "limit")
	if err := os.WriteFile(p, []byte("7\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fs := newFlagSet(t)
	limit := DynInt64(fs, "limit", 1, "").WithFileFlag(p)
	e := EngineFor(fs)
	for i := range 20 {
		// A new flag leaves pflag's sorted cache stale, so the next walk
		// of the set writes it.
		fs.Int("static_"+string(rune('a'+i)), i, "")
		var wg sync.WaitGroup
		wg.Go(func() {
			if err := ReadFileFlags(fs); err != nil {
				t.Errorf("ReadFileFlags: %v", err)
			}
		})
		wg.Go(func() { _ = ChecksumFlagSet(fs, nil) })
		wg.Go(func() { _ = e.Flags() })
		wg.Wait()
	}
	if limit.Get() != 7 {
		t.Errorf("limit = %d, want 7", limit.Get())
	}
}

package flagz

import (
	"flag"
	"sync"
	"testing"
)

// A handle reads the value, whether it is the default and the last change
// of a flag; a change gives a new LastChange, a removal too.
func TestHandleReadsValueAndProvenance(t *testing.T) {
	f := newEngineFixture(t)
	h, ok := f.e.Handle("rate")
	if !ok {
		t.Fatal("no handle for rate")
	}
	if h.Name() != "rate" || !h.Declared() || !h.Dynamic() || h.Value() != any(f.rate) {
		t.Errorf("handle of rate: name %q declared %v dynamic %v value %T", h.Name(), h.Declared(), h.Dynamic(), h.Value())
	}
	if !h.IsDefault() || h.LastChange() != nil || h.Current() != any(int64(10)) {
		t.Errorf("before any source: default %v, change %+v, current %v", h.IsDefault(), h.LastChange(), h.Current())
	}
	f.src.Update(7, map[string]string{"rate": "20"})
	first := h.LastChange()
	if h.IsDefault() || first == nil || first.Source != "test" || first.Revision != 7 || h.Current() != any(int64(20)) {
		t.Errorf("after the update: default %v, change %+v, current %v", h.IsDefault(), first, h.Current())
	}
	f.src.Update(8, map[string]string{"rate": "500"}) // refused: the last change stays
	if h.LastChange() != first {
		t.Errorf("a refused value changed LastChange to %+v", h.LastChange())
	}
	f.src.Remove(9, "rate")
	if last := h.LastChange(); !h.IsDefault() || last == first || !last.Removed || last.Revision != 9 {
		t.Errorf("after the removal: default %v, change %+v", h.IsDefault(), last)
	}

	st, ok := f.e.Handle("listen")
	if !ok || st.Declared() || st.Dynamic() || st.IsDefault() || st.Current() != nil {
		t.Errorf("static handle: ok %v declared %v dynamic %v default %v current %v", ok, st.Declared(), st.Dynamic(), st.IsDefault(), st.Current())
	}
	if _, ok := f.e.Handle("nope"); ok {
		t.Error("a handle for a flag that does not exist")
	}
}

// On a standard flag set, Value gives the standard package's Value.
func TestHandleOfStandardFlag(t *testing.T) {
	fs := flag.NewFlagSet(t.Name(), flag.ContinueOnError)
	fs.Bool("verbose", false, "")
	h, ok := EngineFor(fs).Handle("verbose")
	if !ok {
		t.Fatal("no handle")
	}
	if _, ok := h.Value().(flag.Getter); !ok {
		t.Errorf("Value() is %T, want the standard package's value", h.Value())
	}
}

// Reading through a handle races with nothing while a source changes the
// flag.
func TestHandleConcurrentWithChanges(t *testing.T) {
	f := newEngineFixture(t)
	h, _ := f.e.Handle("mode")
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 200 {
			f.src.Update(int64(i+1), map[string]string{"mode": []string{"fast", "slow"}[i%2]})
		}
	})
	for range 200 {
		_ = h.Current()
		_ = h.IsDefault()
		if c := h.LastChange(); c != nil && c.Source != "test" {
			t.Fatalf("change from %q", c.Source)
		}
	}
	wg.Wait()
}

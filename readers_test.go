package flagz

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flagz-go/flagz/internal/wait"
	"github.com/flagz-go/flagz/record"
)

// A reader of the whole flag set (the debug page encoding it, a presence
// record, the OpenFeature provider, all through VisitFlags) holds no lock an
// update needs while it works on the flags it visits: with its callback
// stopped on the first flag, a batch changing a dynamic flag, offering a
// static one and naming an unknown one is applied, and the checksums and a
// single flag's state can be read.
func TestUpdatesGoOnWhileAVisitorIsStopped(t *testing.T) {
	fs := newFlagSet(t)
	n := DynInt64(fs, "n", 0, "")
	fs.String("static", "a", "")
	e := EngineFor(fs)
	src := e.Source("s", nil)
	src.Load(1, map[string]string{"n": "1", "static": "b"})

	inside, release, visited := make(chan struct{}), make(chan struct{}), make(chan struct{})
	var once sync.Once
	t.Cleanup(func() { once.Do(func() { close(release) }) })
	go func() {
		defer close(visited)
		first := true
		e.VisitFlags(func(*FlagState) bool {
			if first {
				first = false
				close(inside)
				<-release
			}
			return true
		})
	}()
	<-inside

	type result struct {
		report         Report
		static, all    uint64
		state          FlagState
		stateAvailable bool
	}
	done := make(chan result, 1)
	go func() {
		var r result
		r.report = src.Update(2, map[string]string{"n": "2", "static": "c", "nosuch": "x"})
		r.static, r.all = e.StaticChecksum(), e.checksumOf(nil)
		r.state, r.stateAvailable = e.Flag("static")
		done <- r
	}()
	var r result
	wait.Until(t, 10*time.Second, "the update and the reads to finish while a visitor is stopped", func() bool {
		select {
		case r = <-done:
			return true
		default:
			return false
		}
	})
	once.Do(func() { close(release) })
	<-visited

	want := map[string]record.Result{"n": record.Applied, "static": record.RestartRequired, "nosuch": record.Unknown}
	for _, o := range r.report {
		if o.Result != want[o.Flag] {
			t.Errorf("%s: %v, want %v", o.Flag, o.Result, want[o.Flag])
		}
	}
	if len(r.report) != len(want) {
		t.Errorf("report %v, want one outcome for each of %v", r.report, want)
	}
	if n.Get() != 2 {
		t.Errorf("n = %d, want 2", n.Get())
	}
	if r.static != e.StaticChecksum() || r.all != e.checksumOf(nil) {
		t.Error("the checksums read while the visitor was stopped differ from those read after")
	}
	if !r.stateAvailable || r.state.Value != "b" || len(r.state.Pending) != 1 || r.state.Pending[0].Value != "c" {
		t.Errorf("state of static: %+v, want value b and c pending", r.state)
	}
}

// hashGate stops the first MarshalJSON of a gated value after it is armed,
// until released: it holds a reader in the middle of hashing the flags.
var hashGate struct {
	armed            atomic.Bool
	entered, release chan struct{}
}

type gated struct{ N int }

func (g gated) MarshalJSON() ([]byte, error) {
	if hashGate.armed.CompareAndSwap(true, false) {
		close(hashGate.entered)
		<-hashGate.release
	}
	return fmt.Appendf(nil, `{"N":%d}`, g.N), nil
}

// The dynamic checksum hashes the declared values sorted by name; a flag
// declared meanwhile must not reorder the values a reader is hashing. The
// reader returns the checksum of the flags before the declaration or after
// it, never of a mixture.
func TestChecksumReadWhileAFlagIsDeclared(t *testing.T) {
	fs := newFlagSet(t)
	j := DynJSONOf(fs, "0gated", gated{}, "") // hashed first
	for i := range 200 {
		DynInt64(fs, fmt.Sprintf("m_%03d", i), 0, "")
	}
	e := EngineFor(fs)
	e.DynamicChecksum() // sorts them, and makes every value's text
	if err := j.Set(`{"N":1}`); err != nil {
		t.Fatal(err)
	}
	hashGate.entered, hashGate.release = make(chan struct{}), make(chan struct{})
	hashGate.armed.Store(true)
	var once sync.Once
	release := func() { once.Do(func() { close(hashGate.release) }) }
	t.Cleanup(func() { hashGate.armed.Store(false); release() })

	got := make(chan uint64, 1)
	go func() { got <- e.DynamicChecksum() }()
	<-hashGate.entered // the reader is formatting the first flag's new value
	before := e.checksumOf(IsFlagDynamic)
	DynInt64(fs, "a_new", 0, "") // sorts second: a sort moves every m_ flag
	after := e.DynamicChecksum()
	release()

	if sum := <-got; sum != before && sum != after {
		t.Errorf("checksum %x read while a_new was declared, want %x (before) or %x (after)", sum, before, after)
	}
	if want := e.checksumOf(IsFlagDynamic); after != want {
		t.Errorf("checksum %x after the declaration, want %x", after, want)
	}
}

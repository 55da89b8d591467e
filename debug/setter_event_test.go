package debug_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/debug"
)

// A value the setter applies is an event for the engine's subscribers, as
// any source's batch is: source debug.SourceName, naming the flag.
func TestSetterChangeIsAnEvent(t *testing.T) {
	f := newFixture(t, debug.WithSetter(tokenAuthorizer))
	events := make(chan flagz.Event, 10)
	t.Cleanup(flagz.EngineFor(f.fs).Subscribe(func(ev flagz.Event) {
		if ev.Report != nil {
			events <- ev
		}
	}))
	if status, _, res := post(t, f, http.MethodPost, form("rate", "250"), "X-Token", token); status != http.StatusOK {
		t.Fatalf("status %d, %+v", status, res)
	}
	var ev flagz.Event
	select {
	case ev = <-events:
	case <-time.After(30 * time.Second):
		t.Fatal("no event after the setter applied a value")
	}
	if ev.Source != debug.SourceName || !slices.Equal(ev.Changed(), []string{"rate"}) {
		t.Errorf("event of source %q changing %v, want %q changing [rate]", ev.Source, ev.Changed(), debug.SourceName)
	}
}

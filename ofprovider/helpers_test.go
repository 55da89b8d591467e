package ofprovider_test

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/flagz-go/flagz/internal/wait"
	"github.com/flagz-go/flagz/ofprovider"
	"github.com/open-feature/go-sdk/openfeature"
)

// serve sets p as the provider of a domain of the test's own, waits for
// its Init, and returns a client of that domain. The provider is shut down
// when the test ends.
func serve(t *testing.T, p *ofprovider.Provider) *openfeature.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := openfeature.SetNamedProviderWithContextAndWait(ctx, t.Name(), p); err != nil {
		t.Fatalf("SetNamedProviderWithContextAndWait: %v", err)
	}
	t.Cleanup(p.Shutdown)
	return openfeature.NewClient(t.Name())
}

// recorder records the events a client's handlers receive.
type recorder struct {
	mu     sync.Mutex
	events []recorded
}

type recorded struct {
	Type    openfeature.EventType
	Details openfeature.EventDetails
}

// recordEvents adds handlers for every provider event to c.
func recordEvents(t *testing.T, c *openfeature.Client) *recorder {
	r := &recorder{}
	for _, typ := range []openfeature.EventType{openfeature.ProviderReady, openfeature.ProviderConfigChange,
		openfeature.ProviderStale, openfeature.ProviderError} {
		fn := func(d openfeature.EventDetails) {
			r.mu.Lock()
			r.events = append(r.events, recorded{typ, d})
			r.mu.Unlock()
		}
		c.AddHandler(typ, &fn)
		t.Cleanup(func() { c.RemoveHandler(typ, &fn) })
	}
	return r
}

func (r *recorder) snapshot() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

// waitFor waits until an event of type typ satisfying match arrived after
// the first from events, and returns its position.
func (r *recorder) waitFor(t *testing.T, from int, typ openfeature.EventType, what string, match func(openfeature.EventDetails) bool) int {
	t.Helper()
	at := -1
	wait.Until(t, 30*time.Second, what, func() bool {
		for i, ev := range r.snapshot() {
			if i >= from && ev.Type == typ && (match == nil || match(ev.Details)) {
				at = i
				return true
			}
		}
		return false
	})
	return at
}

func (r *recorder) count(typ openfeature.EventType) int {
	n := 0
	for _, ev := range r.snapshot() {
		if ev.Type == typ {
			n++
		}
	}
	return n
}

// quiet is the log of the tests' sources.
var quiet = slog.New(slog.DiscardHandler)

func noCtx() openfeature.EvaluationContext { return openfeature.EvaluationContext{} }

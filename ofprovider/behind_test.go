package ofprovider_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/open-feature/go-sdk/openfeature"

	"github.com/flagz-go/flagz/internal/wait"
	"github.com/flagz-go/flagz/ofprovider"
)

// A provider whose events nobody reads for a while falls behind the flag
// set's changes (its subscription merges the events waiting, see
// flagz.Engine.Subscribe): once they are read again, the change events name
// every flag changed meanwhile, one of them saying events were merged, and
// evaluations see the newest values.
func TestProviderBehindNamesEveryChangedFlag(t *testing.T) {
	f := newFixture(t)
	p := ofprovider.New(f.fs)
	if err := p.InitWithContext(context.Background(), openfeature.EvaluationContext{}); err != nil {
		t.Fatal(err)
	}
	defer p.Shutdown()
	const n = 3000 // far more events than the channel holds
	for i := range n {
		values := map[string]string{"limit": fmt.Sprint(100 + i)}
		switch i {
		case n / 2:
			values["greeting"] = "hello"
		case n - 1:
			values["on"] = "true"
		}
		f.src.Update(int64(i+2), values)
	}
	changed := map[string]bool{}
	merged := false
	wait.Until(t, 30*time.Second, "change events naming limit, greeting and on", func() bool {
		select {
		case ev := <-p.EventChannel():
			if ev.EventType == openfeature.ProviderConfigChange {
				for _, name := range ev.FlagChanges {
					changed[name] = true
				}
				merged = merged || strings.Contains(ev.Message, "merged")
			}
		default:
		}
		return changed["limit"] && changed["greeting"] && changed["on"]
	})
	if !merged {
		t.Error("no change event said events were merged")
	}
	if got := p.IntEvaluation(context.Background(), "limit", 0, nil); got.Value != 100+n-1 {
		t.Errorf("limit = %d, want %d", got.Value, 100+n-1)
	}
}

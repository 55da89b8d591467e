package demo

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/internal/wait"
)

// GET /openfeature answers the flags through the OpenFeature client: the
// defaults first, then what a source set, with the source and revision.
func TestOpenFeatureRoute(t *testing.T) {
	fs, _, srv := newTestServer(t)
	get := func() map[string]Evaluation {
		t.Helper()
		resp, err := http.Get(srv.URL + "/openfeature")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var answer map[string]Evaluation
		if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
			t.Fatal(err)
		}
		return answer
	}
	var answer map[string]Evaluation
	wait.Until(t, 30*time.Second, "the provider ready", func() bool {
		answer = get()
		return answer[FlagGreeting].ErrorCode == ""
	})
	if g := answer[FlagGreeting]; g.Value != DefaultGreeting || g.Reason != "DEFAULT" {
		t.Errorf("greeting before any source: %+v", g)
	}
	src := flagz.EngineFor(fs).Source("test", slog.New(slog.DiscardHandler))
	src.Load(3, map[string]string{FlagShout: "true", FlagRateLimit: "50"})
	wait.Until(t, 30*time.Second, "the source's values", func() bool {
		answer = get()
		return answer[FlagShout].Value == true
	})
	if rl := answer[FlagRateLimit]; rl.Value != 50.0 || rl.Reason != "STATIC" || rl.Source != "test" || rl.Revision != 3 {
		t.Errorf("rate_limit from the source: %+v", rl)
	}
	if rt, ok := answer[FlagRoutes].Value.(map[string]any); !ok || rt["default"] == nil {
		t.Errorf("routes: %+v", answer[FlagRoutes])
	}
}

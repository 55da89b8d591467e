package ofprovider_test

import (
	"context"
	"testing"

	"github.com/flagz-go/flagz/ofprovider"
	"github.com/open-feature/go-sdk/openfeature"
)

// Evaluating a bool, int, float or string flag flagz declared allocates
// nothing in the provider, metadata included (it is built once per change).
func TestEvaluationAllocatesNothing(t *testing.T) {
	f := newFixture(t)
	f.src.Update(2, map[string]string{"on": "true", "limit": "3", "ratio": "0.75", "greeting": "hey"})
	p := ofprovider.New(f.fs)
	ctx := context.Background()
	flat := openfeature.FlattenedContext{openfeature.TargetingKey: "alice"}
	cases := map[string]func(){
		"bool":    func() { _ = p.BooleanEvaluation(ctx, "on", false, flat) },
		"int":     func() { _ = p.IntEvaluation(ctx, "limit", 0, flat) },
		"float":   func() { _ = p.FloatEvaluation(ctx, "ratio", 0, flat) },
		"string":  func() { _ = p.StringEvaluation(ctx, "greeting", "", flat) },
		"rollout": func() { _ = p.BooleanEvaluation(ctx, "checkout", false, flat) },
		"static":  func() { _ = p.IntEvaluation(ctx, "workers", 0, flat) },
	}
	for name, eval := range cases {
		eval() // the first answer after a change builds its metadata
		if n := testing.AllocsPerRun(100, eval); n != 0 {
			t.Errorf("%s: %v allocations per evaluation, want 0", name, n)
		}
	}
}

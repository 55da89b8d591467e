package monitoring_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/flagz-go/flagz/source"
)

// staticOrigin holds one value and never changes.
type staticOrigin struct{}

func (staticOrigin) List(context.Context) (source.Snapshot, error) {
	return source.Snapshot{Revision: 1, Values: map[string]string{"rate": "7"}}, nil
}

func (staticOrigin) Follow(ctx context.Context, _ int64, sink source.Sink) error {
	sink.Serving()
	<-ctx.Done()
	return ctx.Err()
}

// flagz_source_problem is 1 while a source has a problem, named by its
// source and problem, and absent otherwise.
func TestSourceProblemMetric(t *testing.T) {
	f := newFixture(t)
	rt, err := source.New(f.fs, staticOrigin{}, source.Config{Name: "file", Logger: discard})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rt.Initialize(t.Context()); err != nil {
		t.Fatal(err)
	}
	const name = `flagz_source_problem{problem="snapshot",set="server",source="file"}`
	if _, ok := series(t, f.reg)[name]; ok {
		t.Fatalf("%s before any problem", name)
	}
	rt.SetProblem(source.ProblemSnapshot, errors.New("disk full"))
	want := `
# HELP flagz_source_problem A failure of a source beside serving values that an operator must see, by its name: 1 while it lasts, absent otherwise. problem="snapshot": the last-known-good snapshot file cannot be written; problem="presence": the etcd watcher's presence record cannot be published (flagz set --wait sees the process as not answering). The source keeps serving values and retries; the debug page and the log say why and since when.
# TYPE flagz_source_problem gauge
flagz_source_problem{problem="snapshot",set="server",source="file"} 1
`
	if err := testutil.GatherAndCompare(f.reg, strings.NewReader(want), "flagz_source_problem"); err != nil {
		t.Fatal(err)
	}
	lint, err := testutil.GatherAndLint(f.reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range lint {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
	rt.SetProblem(source.ProblemSnapshot, nil)
	if v, ok := series(t, f.reg)[name]; ok {
		t.Errorf("%s = %v after the problem ended, want it absent", name, v)
	}
}

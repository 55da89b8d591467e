package flagz

import (
	"testing"

	"github.com/flagz-go/flagz/record"
)

// An outcome the report does not hold never reads as Applied (the zero
// Result), nor as any result the engine gives, even to a caller that
// ignores ok.
func TestReportOutcomeOfANameItLacksIsNoResult(t *testing.T) {
	r := Report{{Flag: "a", Result: record.Applied}}
	o, ok := r.Outcome("b")
	if ok {
		t.Fatalf("Outcome(%q) = %+v, true; want false", "b", o)
	}
	for _, res := range []record.Result{record.Applied, record.Unchanged, record.Rejected, record.RestartRequired, record.Unknown, record.CommandLine} {
		if o.Result == res {
			t.Errorf("Outcome(%q).Result = %v, want none of the results", "b", o.Result)
		}
	}
	if o.Flag != "b" || o.Result.String() != "none" {
		t.Errorf("Outcome(%q) = %q, want %q", "b", o, "b: none")
	}
}

package record_test

import (
	"testing"

	"github.com/flagz-go/flagz/record"
)

// The names are what metrics label and the debug page and the flagz
// command print: they must not change.
func TestNames(t *testing.T) {
	for r, want := range map[record.Result]string{
		record.Applied: "applied", record.Unchanged: "unchanged", record.Rejected: "rejected",
		record.RestartRequired: "restart_required", record.Unknown: "unknown", record.CommandLine: "command_line",
		-1: "none", 99: "invalid",
	} {
		if got := r.String(); got != want {
			t.Errorf("Result(%d).String() = %q, want %q", int(r), got, want)
		}
	}
	for s, want := range map[record.State]string{
		record.StateConnecting: "CONNECTING", record.StateServing: "SERVING",
		record.StateDegraded: "DEGRADED", record.StateStopped: "STOPPED", -1: "INVALID",
	} {
		if got := s.String(); got != want {
			t.Errorf("State(%d).String() = %q, want %q", int(s), got, want)
		}
	}
}

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

// JSON carries the names, and reads them back.
func TestTextRoundTrip(t *testing.T) {
	for r := record.Result(-1); r <= record.CommandLine; r++ {
		text, err := r.MarshalText()
		if err != nil || string(text) != r.String() {
			t.Fatalf("Result(%d).MarshalText() = %q, %v", int(r), text, err)
		}
		var back record.Result
		if err := back.UnmarshalText(text); err != nil || back != r {
			t.Errorf("UnmarshalText(%q) = %d, %v; want %d", text, int(back), err, int(r))
		}
	}
	for s := record.StateConnecting; s <= record.StateStopped; s++ {
		text, _ := s.MarshalText()
		var back record.State
		if err := back.UnmarshalText(text); err != nil || back != s {
			t.Errorf("State UnmarshalText(%q) = %v, %v; want %v", text, back, err, s)
		}
	}
	for w := record.WaitChecks; w <= record.WaitSet; w++ {
		text, err := w.MarshalText()
		var back record.WaitOn
		if err != nil || back.UnmarshalText(text) != nil || back != w {
			t.Errorf("WaitOn %d: MarshalText %q, %v; read back %d", int(w), text, err, int(back))
		}
	}
	var w record.WaitOn
	if err := w.UnmarshalText([]byte("nothing")); err == nil {
		t.Error(`WaitOn.UnmarshalText("nothing"): no error`)
	}
	var r record.Result
	if err := r.UnmarshalText([]byte("maybe")); err == nil {
		t.Error(`Result.UnmarshalText("maybe"): no error`)
	}
	var s record.State
	if err := s.UnmarshalText([]byte("serving")); err == nil {
		t.Error(`State.UnmarshalText("serving"): no error`)
	}
}

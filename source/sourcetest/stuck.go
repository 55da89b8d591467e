package sourcetest

import (
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/flagz-go/flagz/record"
)

// A batch that waits on a validator of the program that blocks: the source
// says what it waits on (DEGRADED, SourceStatus.Waiting naming the flag);
// Stop returns all the same (within the source's stop timeout), the source
// STOPPED and still saying what its goroutine waits on. Once the validator
// returns, the batch applies, nothing is waited on any more, no goroutine
// is left behind, and the source starts again.
func testStopWhileAValidatorBlocks(t *testing.T, h Harness) {
	f := newFlags(t)
	h.Set(t, map[string]string{"rate": "20"})
	before := goleak.IgnoreCurrent()
	s := started(t, h, f)
	h.Set(t, map[string]string{"gate": "hold"})
	f.gate.entered(t)
	eventually(t, "the source saying it waits on gate", func() bool {
		st := s.Status()
		return st.Waiting != nil && st.Waiting.Flag == "gate" && st.State == record.StateDegraded
	})
	if st := s.Status(); st.Waiting.On != record.WaitChecks || !strings.Contains(st.Err, `flag "gate"`) {
		t.Errorf("waiting on %v (%q), want gate's validators, named in the reason", st.Waiting.On, st.Err)
	}

	within(t, "Stop while a validator blocks", s.Stop)
	if st := s.Status(); st.State != record.StateStopped || st.Waiting == nil || st.Waiting.Flag != "gate" {
		t.Errorf("after Stop: %v (%q); want STOPPED, still waiting on gate", st.State, st.Err)
	}
	within(t, "a second Stop", s.Stop)

	f.gate.release()
	eventually(t, "the goroutine left behind exits once the validator returns", func() bool {
		st := s.Status()
		return st.State == record.StateStopped && st.Waiting == nil && st.Err == "" && f.gate.value.Get() == "hold"
	})
	f.rate.WaitNotified()
	if settler, ok := h.(Settler); ok {
		settler.Settle(t)
	}
	if err := goleak.Find(before); err != nil {
		t.Errorf("goroutines left once the validator returned: %v", err)
	}
	eventually(t, "Start once the goroutine left behind has exited", func() bool { return s.Start(t.Context()) == nil })
	eventually(t, "SERVING after Start", func() bool { return s.Status().State == record.StateServing })
}

package latency

import (
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	samples := []time.Duration{5 * time.Millisecond, 1 * time.Millisecond, 3 * time.Millisecond}
	if got := Percentile(samples, 0.5); got != 3 {
		t.Errorf("p50 = %v ms, want 3", got)
	}
	if got := Percentile(samples, 0.99); got != 3 {
		t.Errorf("p99 of 3 samples = %v ms, want the second largest (3)", got)
	}
	if got := Percentile(samples, 1); got != 5 {
		t.Errorf("p100 = %v ms, want 5", got)
	}
	if samples[0] != 5*time.Millisecond {
		t.Error("Percentile reordered its input")
	}
}

func TestWaitVisible(t *testing.T) {
	n := 0
	if d := WaitVisible(t, time.Now(), "third poll", func() bool { n++; return n == 3 }); d <= 0 || n != 3 {
		t.Errorf("returned %v after %d polls", d, n)
	}
}

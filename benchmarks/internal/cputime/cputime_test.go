//go:build unix

package cputime

import (
	"testing"
	"time"
)

func TestUsedGrowsWithWork(t *testing.T) {
	before := used()
	if before < 0 {
		t.Fatal("getrusage failed")
	}
	deadline := time.Now().Add(20 * time.Millisecond)
	x := 0
	for time.Now().Before(deadline) {
		x++
	}
	if after := used(); after <= before {
		t.Errorf("CPU time did not grow over 20ms of work (%v, then %v, %d loops)", before, after, x)
	}
}

package flagz

import (
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// newFlagSet returns a fresh pflag set that reports errors instead of exiting.
func newFlagSet(t testing.TB) *pflag.FlagSet {
	t.Helper()
	return pflag.NewFlagSet(t.Name(), pflag.ContinueOnError)
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

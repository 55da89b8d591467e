package flagz

import (
	"testing"

	"github.com/spf13/pflag"
)

// newFlagSet returns a fresh pflag set that reports errors instead of exiting.
func newFlagSet(t testing.TB) *pflag.FlagSet {
	t.Helper()
	return pflag.NewFlagSet(t.Name(), pflag.ContinueOnError)
}

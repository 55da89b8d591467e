package watcher_test

import (
	"testing"

	"github.com/flagz-go/flagz/source/sourcetest"
)

// The watcher's lifecycle is its runtime's: each method only calls it,
// presence publishing included (it hangs on the runtime's hooks).
func TestLifecycleIsTheRuntimes(t *testing.T) {
	sourcetest.CheckDelegation(t, ".", "Watcher")
}

//go:build race

package walkthrough

// raceEnabled: the test binary runs under the race detector, so the
// programs it runs are built with it too.
const raceEnabled = true

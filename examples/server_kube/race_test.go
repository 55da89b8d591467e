//go:build race

package main

// raceEnabled: the test binary runs under the race detector, so the
// end-to-end test builds the demo with it too.
const raceEnabled = true

//go:build !race

package walkthrough

const raceEnabled = false

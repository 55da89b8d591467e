package source

import "errors"

// The errors every source's lifecycle methods return (Initialize, Start,
// Run), whatever its origin; test them with errors.Is.
var (
	// ErrRunning: Initialize or Start was called while the source runs.
	ErrRunning = errors.New("flagz: source already running")
	// ErrNameInUse: another source running on the same flag set has the
	// same name (each source needs its own, see the sources'
	// WithSourceName).
	ErrNameInUse = errors.New("flagz: source name in use")
)

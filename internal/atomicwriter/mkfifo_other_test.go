//go:build !unix

package atomicwriter

import (
	"errors"
	"runtime"
)

// mkfifo fails: this platform has no named pipes in its file system.
func mkfifo(string) error { return errors.New("no named pipes on " + runtime.GOOS) }

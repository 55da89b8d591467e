//go:build unix

package cputime

import (
	"syscall"
	"time"
)

// used returns the process's user and system CPU time, or -1.
func used() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

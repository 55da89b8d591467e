//go:build unix

package configmap

import (
	"os"
	"syscall"
)

// openFlags opens a file for reading without blocking, should it be a named
// pipe swapped in after the check (readRegular refuses it then), and without
// making a terminal the process's controlling one.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK | syscall.O_NOCTTY

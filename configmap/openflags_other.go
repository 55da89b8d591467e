//go:build !unix

package configmap

import "os"

// openFlags opens a file for reading; this platform has no named pipes in
// its file system.
const openFlags = os.O_RDONLY

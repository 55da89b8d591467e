package configmap

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// errDangling: a symlink whose target does not exist, such as the .#name
// lock file Emacs leaves beside a file it edits. It is fs.ErrNotExist too.
var errDangling = fmt.Errorf("a dangling symlink: %w", fs.ErrNotExist)

// notRegularError says that path is not a regular file: a named pipe, a
// socket, a device or a directory, which a source never reads.
type notRegularError struct {
	path string
	mode fs.FileMode
}

func (e *notRegularError) Error() string {
	return fmt.Sprintf("%s is %s, not a regular file", e.path, describeMode(e.mode))
}

// describeMode names the type of a file that is not regular.
func describeMode(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeSymlink != 0:
		return "a symlink"
	}
	return "of type " + m.Type().String()
}

// readRegular reads the regular file at path (following symlinks),
// refusing it with ErrTooLarge when it holds more than limit bytes: it never
// reads more than limit+1. Anything else (a named pipe, a device, a socket,
// a directory) is refused with a *notRegularError and never opened, so that
// nothing blocks: opening a named pipe for reading waits for a writer,
// forever if none comes. The check is made before the open and again on
// what was opened (with O_NONBLOCK), so an entry swapped in between is
// refused too. A dangling symlink gives errDangling.
func readRegular(path string, limit int64) ([]byte, error) {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		if l, lerr := os.Lstat(path); lerr == nil && l.Mode()&fs.ModeSymlink != 0 {
			return nil, fmt.Errorf("%s: %w", path, errDangling)
		}
	}
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, &notRegularError{path: path, mode: info.Mode()}
	}
	f, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info, err = f.Stat(); err != nil {
		return nil, err
	}
	if info.Size() > limit {
		return nil, tooLarge(path, limit)
	}
	content, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(content)) > limit {
		return nil, tooLarge(path, limit)
	}
	return content, nil
}

// openRegular opens path for reading without blocking (O_NONBLOCK: opening
// a named pipe would wait for a writer) and refuses, closed, what is not a
// regular file once open, whatever a check before the open saw.
func openRegular(path string) (*os.File, error) {
	f, err := os.OpenFile(path, openFlags, 0)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err == nil && !info.Mode().IsRegular() {
		err = &notRegularError{path: path, mode: info.Mode()}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

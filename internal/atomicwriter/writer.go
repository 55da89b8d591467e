package atomicwriter

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// The names the kubelet uses inside the volume directory.
const (
	DataDirName    = "..data"
	NewDataDirName = "..data_tmp"
)

// Writer writes successive versions of a volume into one directory.
type Writer struct {
	targetDir string
}

// New returns a Writer for dir, creating it (mode 0755) if needed.
func New(dir string) (*Writer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &Writer{targetDir: dir}, nil
}

// Dir returns the directory the writer works in.
func (w *Writer) Dir() string { return w.targetDir }

// WriteStrings is Write for text values.
func (w *Writer) WriteStrings(payload map[string]string) error {
	b := make(map[string][]byte, len(payload))
	for k, v := range payload {
		b[k] = []byte(v)
	}
	return w.Write(b)
}

// Write publishes payload (key -> content) as the volume's new version, the
// way the kubelet does (see the package documentation). Keys are file names:
// not empty, no path separator, not starting with "..".
func (w *Writer) Write(payload map[string][]byte) error {
	return w.write(payload, nil)
}

// write is Write; extra, if set, adds entries to the new version's
// directory before the swap, and the version is written even when payload
// equals the current one.
func (w *Writer) write(payload map[string][]byte, extra func(versionDir string) error) error {
	if err := validatePayload(payload); err != nil {
		return err
	}
	dataDirPath := filepath.Join(w.targetDir, DataDirName)
	oldTsDir, err := os.Readlink(dataDirPath)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		oldTsDir = ""
	}
	oldTsPath := filepath.Join(w.targetDir, oldTsDir)

	var pathsToRemove []string
	shouldWrite := true
	if oldTsDir != "" {
		if pathsToRemove, err = w.pathsToRemove(payload, oldTsPath); err != nil {
			return err
		}
		should, err := shouldWritePayload(payload, oldTsPath)
		if err != nil {
			return err
		}
		shouldWrite = should || len(pathsToRemove) > 0 || extra != nil
	}
	if !shouldWrite {
		return nil
	}

	tsDir, err := w.newTimestampDir()
	if err != nil {
		return err
	}
	if err := writePayloadToDir(payload, tsDir); err != nil {
		return err
	}
	if extra != nil {
		if err := extra(tsDir); err != nil {
			_ = os.RemoveAll(tsDir)
			return err
		}
	}
	newDataDirPath := filepath.Join(w.targetDir, NewDataDirName)
	if err := os.Symlink(filepath.Base(tsDir), newDataDirPath); err != nil {
		_ = os.RemoveAll(tsDir)
		return fmt.Errorf("symlink %s: %w", newDataDirPath, err)
	}
	if err := os.Rename(newDataDirPath, dataDirPath); err != nil {
		_ = os.Remove(newDataDirPath)
		_ = os.RemoveAll(tsDir)
		return fmt.Errorf("rename %s: %w", newDataDirPath, err)
	}
	if err := w.createUserVisibleFiles(payload); err != nil {
		return err
	}
	if err := w.removeUserVisiblePaths(pathsToRemove); err != nil {
		return err
	}
	if oldTsDir != "" {
		if err := os.RemoveAll(oldTsPath); err != nil {
			return err
		}
	}
	return nil
}

func validatePayload(payload map[string][]byte) error {
	for key := range payload {
		if key == "" || strings.ContainsRune(key, os.PathSeparator) || strings.HasPrefix(key, "..") {
			return fmt.Errorf("atomicwriter: invalid key %q", key)
		}
	}
	return nil
}

// pathsToRemove lists the keys of the old version the payload drops.
func (w *Writer) pathsToRemove(payload map[string][]byte, oldTsPath string) ([]string, error) {
	entries, err := os.ReadDir(oldTsPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var gone []string
	for _, e := range entries {
		if _, ok := payload[e.Name()]; !ok {
			gone = append(gone, e.Name())
		}
	}
	return gone, nil
}

// shouldWritePayload reports whether some key is new or has new content.
// An old entry that is not a regular file (WriteWith made it) is never
// opened, as opening a named pipe blocks: the key has new content.
func shouldWritePayload(payload map[string][]byte, oldTsPath string) (bool, error) {
	for key, content := range payload {
		info, err := os.Lstat(filepath.Join(oldTsPath, key))
		if err == nil && !info.Mode().IsRegular() {
			return true, nil
		}
		old, err := os.ReadFile(filepath.Join(oldTsPath, key))
		if errors.Is(err, fs.ErrNotExist) {
			return true, nil
		}
		if err != nil {
			return false, err
		}
		if !bytes.Equal(old, content) {
			return true, nil
		}
	}
	return false, nil
}

func (w *Writer) newTimestampDir() (string, error) {
	tsDir, err := os.MkdirTemp(w.targetDir, time.Now().UTC().Format("..2006_01_02_15_04_05."))
	if err != nil {
		return "", err
	}
	return tsDir, os.Chmod(tsDir, 0o755)
}

func writePayloadToDir(payload map[string][]byte, dir string) error {
	for _, key := range slices.Sorted(maps.Keys(payload)) {
		path := filepath.Join(dir, key)
		if err := os.WriteFile(path, payload[key], 0o644); err != nil {
			return err
		}
		if err := os.Chmod(path, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// createUserVisibleFiles links <key> -> ..data/<key> for keys without one.
func (w *Writer) createUserVisibleFiles(payload map[string][]byte) error {
	for _, key := range slices.Sorted(maps.Keys(payload)) {
		visible := filepath.Join(w.targetDir, key)
		if _, err := os.Readlink(visible); err != nil && errors.Is(err, fs.ErrNotExist) {
			if err := os.Symlink(filepath.Join(DataDirName, key), visible); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *Writer) removeUserVisiblePaths(paths []string) error {
	for _, p := range paths {
		if err := os.Remove(filepath.Join(w.targetDir, p)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

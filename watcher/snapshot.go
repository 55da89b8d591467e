package watcher

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/flagz-go/flagz"
)

// persist writes the values this source has applied to the snapshot file,
// if one is configured. Failures are logged: the flags are already set.
func (w *Watcher) persist() {
	if w.opts.snapshotPath == "" {
		return
	}
	data, err := encodeSnapshot(w.opts.sourceName, w.rev, w.src.Applied())
	if err == nil {
		err = writeFileAtomic(w.opts.snapshotPath, data)
	}
	if err != nil {
		w.log.Warn("flagz watcher: cannot save the snapshot file", "path", w.opts.snapshotPath, "error", err)
	}
}

// loadSnapshot applies the snapshot file as the first full snapshot.
func (w *Watcher) loadSnapshot() (flagz.Report, error) {
	data, err := os.ReadFile(w.opts.snapshotPath)
	if err != nil {
		return nil, fmt.Errorf("watcher: read snapshot file: %w", err)
	}
	rev, values, err := decodeSnapshot(data, w.opts.sourceName)
	if err != nil {
		return nil, fmt.Errorf("watcher: snapshot file %s: %w", w.opts.snapshotPath, err)
	}
	report := w.src.Load(rev, values)
	w.loaded, w.current, w.rev = true, false, rev
	return report, nil
}

// writeFileAtomic writes data to a temporary file next to path, syncs it
// and renames it over path, so readers see the old or the new content,
// never a part.
func writeFileAtomic(path string, data []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(f.Name())
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

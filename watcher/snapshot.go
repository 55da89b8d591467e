package watcher

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/flagz-go/flagz"
)

// snapshotFile is what the last-known-good file holds.
type snapshotFile struct {
	Prefix   string            `json:"prefix"`
	Revision int64             `json:"revision"`
	Values   map[string]string `json:"values"` // flag name -> the text applied
}

// persist writes the values this source has applied to the snapshot file,
// if one is configured. Failures are logged: the flags are already set.
func (w *Watcher) persist() {
	if w.opts.snapshotPath == "" {
		return
	}
	snap := snapshotFile{Prefix: w.prefix, Revision: w.rev, Values: w.src.Applied()}
	if err := writeFileAtomic(w.opts.snapshotPath, snap); err != nil {
		w.log.Warn("flagz watcher: cannot save the snapshot file", "path", w.opts.snapshotPath, "error", err)
	}
}

// loadSnapshot applies the snapshot file as the first full snapshot.
func (w *Watcher) loadSnapshot() (flagz.Report, error) {
	data, err := os.ReadFile(w.opts.snapshotPath)
	if err != nil {
		return nil, fmt.Errorf("watcher: read snapshot file: %w", err)
	}
	var snap snapshotFile
	if err := json.Unmarshal(data, &snap); err != nil {
		return nil, fmt.Errorf("watcher: snapshot file %s: %w", w.opts.snapshotPath, err)
	}
	if snap.Prefix != w.prefix {
		return nil, fmt.Errorf("watcher: snapshot file %s holds prefix %q, not %q", w.opts.snapshotPath, snap.Prefix, w.prefix)
	}
	report := w.src.Load(snap.Revision, snap.Values)
	w.loaded, w.current, w.rev = true, false, snap.Revision
	return report, nil
}

// writeFileAtomic writes v as JSON to a temporary file next to path, syncs
// it and renames it over path, so readers see the old or the new content,
// never a part.
func writeFileAtomic(path string, v any) (err error) {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
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

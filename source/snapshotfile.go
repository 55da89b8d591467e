package source

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"unicode/utf8"
)

// snapshotFormat names the layout of a last-known-good snapshot file:
//
//	{
//	  "format": "flagz-snapshot/1",
//	  "source": "etcd:/svc/flags",
//	  "revision": 42,
//	  "values": {
//	    "greeting": {"text": "hello"},
//	    "config":   {"base64": "CgVoZWxsbw=="}
//	  }
//	}
//
// A value that is valid UTF-8 is stored as text, readable by an operator;
// any other (a binary protocol buffer, a string holding arbitrary bytes) as
// base64. Either way it reloads byte for byte.
const snapshotFormat = "flagz-snapshot/1"

type snapshotFile struct {
	Format   string                   `json:"format"`
	Source   string                   `json:"source"`
	Revision int64                    `json:"revision"`
	Values   map[string]snapshotValue `json:"values"`
}

type snapshotValue struct {
	Text   *string `json:"text,omitempty"`
	Base64 *string `json:"base64,omitempty"`
}

// encodeSnapshot writes the values a source applied, at revision, in the
// snapshot file's format.
func encodeSnapshot(source string, revision int64, values map[string]string) ([]byte, error) {
	f := snapshotFile{Format: snapshotFormat, Source: source, Revision: revision, Values: make(map[string]snapshotValue, len(values))}
	for name, v := range values {
		if utf8.ValidString(v) {
			f.Values[name] = snapshotValue{Text: &v}
		} else {
			b := base64.StdEncoding.EncodeToString([]byte(v))
			f.Values[name] = snapshotValue{Base64: &b}
		}
	}
	return json.MarshalIndent(f, "", "  ")
}

// decodeSnapshot reads a snapshot file of the source called source.
func decodeSnapshot(source string, data []byte) (Snapshot, error) {
	var head struct{ Format string }
	if err := json.Unmarshal(data, &head); err != nil {
		return Snapshot{}, err
	}
	if head.Format != snapshotFormat {
		return Snapshot{}, fmt.Errorf("format %q, want %q", head.Format, snapshotFormat)
	}
	var f snapshotFile
	if err := json.Unmarshal(data, &f); err != nil {
		return Snapshot{}, err
	}
	if f.Source != source {
		return Snapshot{}, fmt.Errorf("saved by source %q, not %q", f.Source, source)
	}
	s := Snapshot{Revision: f.Revision, Values: make(map[string]string, len(f.Values))}
	for name, v := range f.Values {
		switch {
		case v.Text != nil && v.Base64 == nil:
			s.Values[name] = *v.Text
		case v.Base64 != nil && v.Text == nil:
			b, err := base64.StdEncoding.DecodeString(*v.Base64)
			if err != nil {
				return Snapshot{}, fmt.Errorf("value of %q: %w", name, err)
			}
			s.Values[name] = string(b)
		default:
			return Snapshot{}, fmt.Errorf("value of %q: want exactly one of text and base64", name)
		}
	}
	return s, nil
}

// readSnapshotFile loads the snapshot file at path saved by source.
func readSnapshotFile(path, source string) (Snapshot, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Snapshot{}, fmt.Errorf("snapshot file: %w", err)
	}
	s, err := decodeSnapshot(source, data)
	if err != nil {
		return Snapshot{}, fmt.Errorf("snapshot file %s: %w", path, err)
	}
	return s, nil
}

// writeSnapshotFile saves the values atomically: written to a temporary
// file beside path, synced, then renamed over it, so a reader sees the old
// or the new content, never a part. The file is readable by its owner only.
func writeSnapshotFile(path, source string, revision int64, values map[string]string) (err error) {
	data, err := encodeSnapshot(source, revision, values)
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
		return errors.Join(err, f.Close())
	}
	if _, err := f.Write(data); err != nil {
		return errors.Join(err, f.Close())
	}
	if err := f.Sync(); err != nil {
		return errors.Join(err, f.Close())
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

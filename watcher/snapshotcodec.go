package watcher

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// snapshotFormat names the layout of a last-known-good file. A file of any
// other format is refused rather than guessed at.
const snapshotFormat = "flagz-snapshot/v1"

// snapshotFile is what a last-known-good file holds: one source's applied
// values at one revision. For example:
//
//	{
//	  "format": "flagz-snapshot/v1",
//	  "source": "etcd:/myservice/flags",
//	  "revision": 42,
//	  "values": {
//	    "greeting": {"text": "hello"},
//	    "config": {"base64": "CgP/CAE="}
//	  }
//	}
type snapshotFile struct {
	Format   string                   `json:"format"`
	Source   string                   `json:"source"`
	Revision int64                    `json:"revision"`
	Values   map[string]snapshotValue `json:"values"`
}

// snapshotValue holds one value's bytes exactly: as text when they are
// valid UTF-8, so operators can read the file, else as base64 (JSON text
// cannot hold other bytes: encoding/json would replace them with U+FFFD).
// Exactly one of the two is set.
type snapshotValue struct {
	Text   *string `json:"text,omitempty"`
	Base64 *string `json:"base64,omitempty"`
}

// encodeSnapshot returns the file content that records values (flag name
// -> the exact text applied) of source at revision rev.
func encodeSnapshot(source string, rev int64, values map[string]string) ([]byte, error) {
	snap := snapshotFile{Format: snapshotFormat, Source: source, Revision: rev, Values: make(map[string]snapshotValue, len(values))}
	for name, v := range values {
		if utf8.ValidString(v) {
			snap.Values[name] = snapshotValue{Text: &v}
		} else {
			b64 := base64.StdEncoding.EncodeToString([]byte(v))
			snap.Values[name] = snapshotValue{Base64: &b64}
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // readable: "<" and "&" stay as they are
	enc.SetIndent("", "  ")
	if err := enc.Encode(snap); err != nil {
		return nil, fmt.Errorf("encode snapshot: %w", err)
	}
	return buf.Bytes(), nil
}

// decodeSnapshot returns the revision and values that data, written by
// encodeSnapshot, records for source. It refuses content of another format
// or of another source.
func decodeSnapshot(data []byte, source string) (int64, map[string]string, error) {
	var snap snapshotFile
	if err := json.Unmarshal(data, &snap); err != nil {
		return 0, nil, fmt.Errorf("not a snapshot file: %w", err)
	}
	if snap.Format != snapshotFormat {
		return 0, nil, fmt.Errorf("snapshot format %q is not %q (written by another version or program)", snap.Format, snapshotFormat)
	}
	if snap.Source != source {
		return 0, nil, fmt.Errorf("snapshot of source %q, not %q", snap.Source, source)
	}
	values := make(map[string]string, len(snap.Values))
	for name, v := range snap.Values {
		switch {
		case v.Text != nil && v.Base64 == nil:
			values[name] = *v.Text
		case v.Base64 != nil && v.Text == nil:
			b, err := base64.StdEncoding.Strict().DecodeString(*v.Base64)
			if err != nil {
				return 0, nil, fmt.Errorf("snapshot value of %q: %w", name, err)
			}
			values[name] = string(b)
		default:
			return 0, nil, fmt.Errorf(`snapshot value of %q must hold exactly one of "text" and "base64"`, name)
		}
	}
	return snap.Revision, values, nil
}

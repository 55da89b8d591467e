package presence

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotItsKey is why DecodeKey refuses a record found under the key of
// another process: its id, or the flag prefix it says it follows, is not
// the key's.
var ErrNotItsKey = errors.New("the record is not of the process its key names")

// Invalid is a key under Prefix or InfoPrefix whose value is not the
// record of the process the key names (DecodeKey): a value that does not
// decode, or a record whose content disagrees with its key.
type Invalid struct {
	Key string
	Err error // why, wrapping ErrNotItsKey for a record under another's key
}

func (i Invalid) Error() string { return i.Key + ": " + i.Err.Error() }

// Unwrap returns why the key holds no record.
func (i Invalid) Unwrap() error { return i.Err }

// IDOf returns the id of the process whose status key (under
// Prefix(flagPrefix)) or info key (under InfoPrefix(flagPrefix)) key is:
// the rest of the key, never empty.
func IDOf(flagPrefix, key string) (string, bool) {
	for _, p := range []string{Prefix(flagPrefix), InfoPrefix(flagPrefix)} {
		if id, ok := strings.CutPrefix(key, p); ok && id != "" {
			return id, true
		}
	}
	return "", false
}

// DecodeKey reads the value of a status or info key of flagPrefix as the
// record of the process the key names (IDOf), and only as that: a record
// whose id is not the key's, or that says it follows another flag prefix,
// is refused with ErrNotItsKey. A record's content cannot speak for another
// process: whoever can write one process's keys cannot pass a record for
// another's, under keys of their own, as that process's. This is how a
// reader trusts a record; Decode reads a value as it is.
func DecodeKey(flagPrefix, key string, value []byte) (Record, error) {
	id, ok := IDOf(flagPrefix, key)
	if !ok {
		return Record{}, fmt.Errorf("presence record: key %q names no process under %s or %s",
			key, Prefix(flagPrefix), InfoPrefix(flagPrefix))
	}
	r, err := Decode(value)
	switch {
	case err != nil:
		return Record{}, err
	case r.ID != id:
		return Record{}, fmt.Errorf("presence record: %w: it says id %q", ErrNotItsKey, r.ID)
	case r.Prefix != "" && Prefix(r.Prefix) != Prefix(flagPrefix):
		return Record{}, fmt.Errorf("presence record: %w: it says flag prefix %q", ErrNotItsKey, r.Prefix)
	}
	return r, nil
}

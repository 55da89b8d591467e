package configmap

import (
	"fmt"
	"strings"
)

// maxListedKeys bounds the keys an unreadableKeys error names.
const maxListedKeys = 10

// keyError is why one key of a directory cannot be read.
type keyError struct {
	key string
	err error
}

// unreadableKeys is the trouble of a directory some keys of which cannot be
// read while the others can (source.Snapshot.Partial): the others apply,
// and the flags of these keep their values.
type unreadableKeys struct {
	dir  string
	keys []keyError // in the order of the directory listing: by name
}

func (u *unreadableKeys) Error() string {
	if len(u.keys) == 1 {
		return fmt.Sprintf("configmap: %s: key %q cannot be read, its flag keeps its value: %v", u.dir, u.keys[0].key, u.keys[0].err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "configmap: %s: %d keys cannot be read, their flags keep their values: ", u.dir, len(u.keys))
	for i, k := range u.keys {
		if i == maxListedKeys {
			fmt.Fprintf(&b, "; and %d more", len(u.keys)-i)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "key %q: %v", k.key, k.err)
	}
	return b.String()
}

// Unwrap returns the error of each key.
func (u *unreadableKeys) Unwrap() []error {
	errs := make([]error, len(u.keys))
	for i, k := range u.keys {
		errs[i] = k.err
	}
	return errs
}

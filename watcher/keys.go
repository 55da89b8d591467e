package watcher

import "strings"

// flagName returns the flag name a key stands for: the part after the
// prefix. Keys with nothing after the prefix, or with a deeper path, stand
// for no flag.
func (w *Watcher) flagName(key []byte) (string, bool) {
	name, ok := strings.CutPrefix(string(key), w.keyPrefix)
	if !ok || name == "" || strings.Contains(name, "/") {
		return "", false
	}
	return name, true
}

// key returns the etcd key of the flag called name.
func (w *Watcher) key(name string) string { return w.keyPrefix + name }

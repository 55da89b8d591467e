package watcher

import "strings"

// flagName returns the flag name a key stands for: the part after the
// prefix. Keys with nothing after the prefix, or with a deeper path, stand
// for no flag.
func (o *etcdOrigin) flagName(key []byte) (string, bool) {
	name, ok := strings.CutPrefix(string(key), o.keyPrefix)
	if !ok || name == "" || strings.Contains(name, "/") {
		return "", false
	}
	return name, true
}

// key returns the etcd key of the flag called name.
func (o *etcdOrigin) key(name string) string { return o.keyPrefix + name }

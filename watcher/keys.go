package watcher

import (
	"fmt"
	"strings"
)

// checkPrefix refuses a prefix that is empty or the root ("/", "//"): the
// watcher would follow every top-level key of the cluster, other
// applications' included, and with rollback on write over those its flags
// refuse.
func checkPrefix(prefix string) error {
	if strings.Trim(prefix, "/") == "" {
		return fmt.Errorf("watcher: prefix %q is empty or the root of etcd's key space, which holds every application's keys: "+
			"give New the prefix of this application's flags, such as \"/myservice/flags\"", prefix)
	}
	return nil
}

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

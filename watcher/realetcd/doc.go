// Package realetcd tests the etcd watcher (package
// github.com/flagz-go/flagz/watcher) against a real etcd: an embedded etcd
// server (watcher/etcdtest), cut by proxies, stopped and restarted. It is a
// module of its own so that the watcher's module requires etcd's client and
// not its server, and so no service that imports the watcher gets etcd's
// server in its module graph. It holds no code but its tests; the watcher's
// tests of its unexported parts, which need no etcd, stay beside it.
package realetcd

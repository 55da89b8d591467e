// Package presence reads and writes the records that processes running a
// flagz etcd watcher with presence on (watcher.WithPresence) keep in etcd:
// one record per process, under a lease, saying who the process is, the
// schema of its flags, the etcd revision it has applied, its dynamic
// checksum and the values it currently refuses. Tools such as the flagz
// command list them to check a value before writing it and to wait until
// every live process has applied a write.
//
// Records live outside the flag key space, at a location derived from the
// flag prefix alone: for the flag prefix "/flagz/demo" (or "/flagz/demo/")
// they are the keys under "/flagz/demo@presence/", which a watcher of
// "/flagz/demo" never sees. A process's record disappears when its lease
// ends: on a clean stop at once, after a crash when the lease's TTL runs
// out.
package presence

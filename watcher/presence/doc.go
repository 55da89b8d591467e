// Package presence reads and writes the records that processes running a
// flagz etcd watcher with presence on (watcher.WithPresence) keep in etcd:
// one record per process, under a lease, saying who the process is, the
// schema of its flags, the etcd revision it has applied, its dynamic
// checksum and the values it currently refuses. Tools such as the flagz
// command list them to check a value before writing it and to wait until
// every live process has applied a write.
//
// Records live outside the flag key space, at locations derived from the
// flag prefix alone. Each is two keys under one lease: for the flag prefix
// "/flagz/demo" (or "/flagz/demo/"), the process's Status under
// "/flagz/demo@presence/" (Prefix), written on every change, and its Info
// under "/flagz/demo@presence-info/" (InfoPrefix), written with its first
// status and again only when it changes; a watcher of "/flagz/demo" sees
// neither. Read and List join them into Records. Watching Prefix sees every write
// a change costs, each decoding (Decode) to a Record with the status's
// fields. A process's keys disappear when its lease ends: on a clean stop
// at once, after a crash when the lease's TTL runs out.
package presence

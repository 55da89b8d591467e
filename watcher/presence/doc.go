// Package presence reads and writes the records that processes running a
// flagz etcd watcher with presence on (watcher.WithPresence) keep in etcd:
// one record per process, under a lease, saying who the process is, the
// schema of its flags, the etcd revision it has applied, its dynamic
// checksum, the values it currently refuses and its source's problems
// (Problem). Tools such as the flagz command list them to check a value
// before writing it and to wait until every live process has applied a
// write. A process writes its status at least once per refresh period
// (Record.RefreshSeconds), changes or not, so that a record its process can
// no longer publish, though its lease lives on, shows as stale
// (Record.Stale).
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
//
// A record stays small whatever the flags hold: each value, refused value
// and reason longer than MaxText (1 KiB) is published cut, as its first
// bytes (whole UTF-8 runes) followed by a mark of the whole,
//
//	…[flagz-cut <length in bytes> sha256:<first 16 hex digits of its SHA-256>]
//
// and a status or info that would still take more than MaxRecordBytes
// (64 KiB) has its largest values reduced to the mark alone, then its
// values left out (their names listed in Dropped), until it fits; the
// state, revision, checksum and rejections by flag always stay, so a tool
// waiting for a write still learns whether it was applied or refused. A
// cut text is never the real one: IsCut recognises the mark (a value that
// merely looks cut is cut too), and Matches tells whether a published text
// stands for a given value.
package presence

// Package change describes the record of who changed a flag, when and
// why, that the flagz command writes beside the flag in the same etcd
// transaction as each of its writes: set, del, undo, and the canary's
// stages, promotion and abort.
//
// The record of a flag lives at Key(prefix, name), in the sub-key space
// "<prefix>/@flagz/" that the flagz command reserves for itself: no flag's
// key can be there (a flag's key is "<prefix>/<name>" and a name holds no
// "/"), so a watcher never takes a record for a flag. Each write replaces
// the record, which keeps it one small key per flag whatever the history;
// the history itself is etcd's: the record written at revision R is the
// record of the write at R (see flagz history).
package change

// Package canary describes the canary record of a flag: a value on its way
// to the fleet in stages (flagz set --canary), which only the processes of
// the current stage apply, over the flag's own value.
//
// # Where
//
// The record of the flag called name is the key Key(prefix, name),
// "<prefix>/@flagz/canary/<name>", in the sub-key space the flagz command
// reserves ("<prefix>/@flagz/", see package change). No flag's key is
// there (a flag name holds no "/"), yet a watcher's watch of "<prefix>/"
// sees it, in the same stream and revision order as the flags: a process
// learns of a canary with no request of its own. A record holds the value
// and a few numbers: its size does not grow with the fleet's.
//
// # Who is in a stage
//
// Each process decides for itself, from its presence id (the last part of
// its presence key, see watcher.WithPresence) and the record alone:
//
//	bucket(salt, id) = the first 8 bytes, big-endian, of SHA-256(salt || 0x00 || id)
//	member           = bucket(salt, id) <= threshold
//
// The salt is fixed for the canary (chosen at random when it begins), so
// the order of the processes is the same at every stage. When a stage
// begins, the command reads the live processes (their presence records:
// N of them), and sets threshold to the bucket of the k-th of them in
// bucket order, k = ⌈share·N⌉ and at least 1 (Size), but never below the
// previous stage's threshold (Threshold): the stage then holds exactly k of
// the N live processes, or, when processes that joined the previous stage
// since it began make that more, every member of the previous stage.
// Stages are nested: a process in a stage stays in every later one. A
// process that starts during the canary joins or not by the same rule, and
// so does one whose id the command did not see. A process without a
// presence record has no id and is never a member.
//
// The last stage (100%) is no record: the command writes the value to the
// flag's key and deletes the record in one transaction (promotion).
package canary

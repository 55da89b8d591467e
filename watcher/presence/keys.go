package presence

import "strings"

// Suffix is what Prefix appends to a flag prefix.
const Suffix = "@presence/"

// InfoSuffix is what InfoPrefix appends to a flag prefix.
const InfoSuffix = "@presence-info/"

// Prefix returns where the status keys of the processes following
// flagPrefix live: "/flagz/demo@presence/" for "/flagz/demo" and
// "/flagz/demo/" alike. A process writes its status key (Status) once per
// change, and nothing else under this prefix, so watching it sees every
// process's applied revision, and counting puts under it counts the
// writes changes cost. No key under it is under the flag prefix, so a
// watcher never takes a record for a flag.
func Prefix(flagPrefix string) string {
	return strings.TrimSuffix(flagPrefix, "/") + Suffix
}

// Key returns the status key of the process with the given id.
func Key(flagPrefix, id string) string { return Prefix(flagPrefix) + id }

// InfoPrefix returns where the info keys (Info) of the processes following
// flagPrefix live: "/flagz/demo@presence-info/" for "/flagz/demo". It is
// neither under the flag prefix nor under Prefix.
func InfoPrefix(flagPrefix string) string {
	return strings.TrimSuffix(flagPrefix, "/") + InfoSuffix
}

// InfoKey returns the info key of the process with the given id.
func InfoKey(flagPrefix, id string) string { return InfoPrefix(flagPrefix) + id }

package presence

import "strings"

// Suffix is what Prefix appends to a flag prefix.
const Suffix = "@presence/"

// Prefix returns where the records of the processes following flagPrefix
// live: "/flagz/demo@presence/" for "/flagz/demo" and "/flagz/demo/" alike.
// No key under it is under the flag prefix, so a watcher never takes a
// record for a flag.
func Prefix(flagPrefix string) string {
	return strings.TrimSuffix(flagPrefix, "/") + Suffix
}

// Key returns the key of the record with the given id.
func Key(flagPrefix, id string) string { return Prefix(flagPrefix) + id }

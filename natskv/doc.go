// Package natskv keeps dynamic flags in step with the keys of a NATS
// JetStream key-value bucket, optionally under a key prefix:
//
//	nats kv put flags rate 250
//
// It is an origin run by source.Runtime, which owns the lifecycle, the
// states, backoff, relisting and the snapshot file, as for every flagz
// source. A listing is a watch of the bucket up to its "initial values
// done" marker; following resumes from the revision after it. A jump in
// the revisions the watch delivers, or keys the bucket lost without a
// revision (a purge), makes the source list the bucket again; a watch that
// owes a revision the bucket holds (a stalled watch after a server
// restart) is noticed within a health-check interval and its timeout.
// Flag names are mapped to keys by one reversible rule (see Key). A value
// a flag refuses is rolled back with Update guarded by the refused
// revision, to what the key held before it (the bucket's history).
// docs/nats.md is the user's guide.
package natskv

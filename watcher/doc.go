// Package watcher keeps dynamic flags in step with keys in etcd v3.
//
// Each flag is the key <prefix>/<flag-name>; its value is the flag's text,
// as on the command line. Deeper keys (<prefix>/a/b) are ignored, and so are
// keys no flag is declared for, which are reported but never deleted: a
// newer binary may own them. Changing a running service is one command:
//
//	etcdctl put /myservice/flags/rate 250
//
// # Lifecycle
//
//	w, err := watcher.New(pflag.CommandLine, client, "/myservice/flags",
//		watcher.WithLogger(logger))
//	if _, err := w.Initialize(ctx); err != nil { … } // every key, static flags too
//	if err := w.Start(ctx); err != nil { … }         // follow changes
//	defer w.Stop()                                    // waits for every goroutine
//
// or w.Run(ctx) for all three. Stop is idempotent and Start may follow it.
//
// # How it follows etcd
//
// The watcher lists the prefix at one revision R, a page at a time, then
// watches from R+1 with WithRequireLeader and WithProgressNotify, the way
// etcd's mirror package does. It does not ask for previous values
// (WithPrevKV): nothing uses them (a rollback restores the value this
// process applied), and fetching them made etcd's p99 latency 1.36× the
// bare watch's instead of 1.11× (benchmarks/README.md). Events are
// applied through the flagz engine in order, a batch per revision (the
// puts of one transaction together, then its deletes), each with its
// revision: a put sets the flag, a delete returns it to its default, a
// static flag changed after start-up is reported "restart required" and
// not applied.
//
// When the watch breaks (history compacted, no leader, server or network
// gone) or cannot be created within the request timeout, the state
// becomes DEGRADED, the flags keep their last good values, and the watcher
// lists the prefix again with capped exponential backoff and jitter,
// reconciling what it finds: changed names applied, names gone returned to
// their defaults. Then it is SERVING again. The client's own gRPC reconnect backoff
// (grpc.WithConnectParams in clientv3.Config.DialOptions) bounds how soon
// it notices that etcd is back.
//
// Within each health-check interval (at a random point of its last fifth, so
// that a fleet's reads do not come in step) the watcher reads etcd's
// revision with a linearizable read. A read that fails means etcd is
// unreachable. A revision past what the watch delivered means the watch owes
// an event or a progress notification, which it then asks for; silence
// within the request timeout means the watch is dead. On a quiet etcd
// (nothing written since the listing) etcd answers no progress request, and
// none is sent: the read alone shows that nothing was missed, and the state
// stays SERVING. The reads run beside the watch: an update that arrives
// while etcd is slow to answer one is applied at once.
//
// # Rollback
//
// A value a flag refuses (it does not parse, or a validator rejects it) is
// not applied, and the watcher writes back the value this process last
// applied, or deletes the key if it applied none, in a transaction guarded by
// ModRevision(key) == the bad write's revision. A newer write always wins,
// and each bad write causes at most one rollback write, so two bad values,
// or two processes, cannot ping-pong. Turn it off with WithRollback(false)
// when processes of different versions share a prefix.
//
// # Last known good values
//
// WithSnapshotFile saves every applied state to a file atomically; when
// etcd is unreachable at start-up, Initialize serves the saved values and
// reports DEGRADED until etcd answers. The file is JSON (format
// "flagz-snapshot/v1", with the source name and revision) and keeps every
// value byte for byte: as text when it is valid UTF-8, else as base64.
//
// # Presence
//
// With WithPresence each process keeps one record in etcd while its watcher
// runs, under a lease it renews (TTL 5s by default): who it is
// (host, pid, start time, build version, flag set), the schema of its flags
// with the constraints of the validators flagz ships (flagz.Engine.Schema), the
// etcd revision it has applied, its dynamic checksum, its state and the
// values it refuses now. The record is two keys under the lease, outside
// the flag key space (the watcher never takes them for flags): the status
// at presence.Key(prefix, id), under "<prefix>@presence/" (state, revision,
// checksum, dynamic values, refusals), and the info at
// presence.InfoKey(prefix, id), under "<prefix>@presence-info/" (identity,
// schema, static values), written with the first status and again only
// when it changes; presence.List joins them. The status is written from a
// goroutine of its own, at most
// once per watch response (the puts of one transaction are one batch, also
// for the engine) and on each change of state, and after every batch even
// when no flag changed (a refused value, an unknown name), so that a tool
// waiting for a write sees it handled. A failing write is retried with
// backoff and never delays the flags. Stop revokes the lease; the record of
// a process that dies without Stop expires with its lease; a lease lost
// during an outage is granted again and the record rewritten once etcd
// answers. Package presence lists the records.
//
// A record is trusted only under its own key (presence.DecodeKey): one under
// a key that names another process is left out, and the flagz command
// reports it. Presence is no access control: whoever may write under the
// prefix may write any flag's value, and whoever may write a process's
// presence keys may make it say anything; etcd's authentication and roles
// are the boundary. A role can limit a process to its own record: read on
// "<prefix>/" (readwrite with rollback on, which writes flag keys) and
// readwrite on presence.Key(prefix, id) and presence.InfoKey(prefix, id)
// for a fixed WithPresenceID, or on the prefixes presence.Key(prefix,
// host+"/") and presence.InfoKey(prefix, host+"/") for the default id. A
// lease needs no permission; revoking it at Stop needs write access to its
// keys.
//
// # Health
//
// Status, and flagz.EngineFor(fs).Sources() for the debug page and metrics,
// give the state (CONNECTING, SERVING, DEGRADED, STOPPED), the last sync time
// and revision, and counts of applied, rejected, restart-required and
// ignored updates.
package watcher

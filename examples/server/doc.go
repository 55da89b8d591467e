// Command server is the flagz demo: an HTTP service whose greeting, feature
// switch, routing table and rate limit are dynamic flags kept in etcd.
//
// From the repository's root:
//
//	go run ./examples/server
//
// starts an embedded etcd on loopback (nothing to install), follows the keys
// under /flagz/demo/, serves on http://127.0.0.1:8080, publishes its presence
// (who it is, its flags' schema, the revision it applied) for the flagz
// command, and prints the URLs and the exact commands that change a flag
// while it runs:
//
//	export FLAGZ_ENDPOINTS=<endpoint> FLAGZ_PREFIX=/flagz/demo
//	flagz set greeting hello --wait
//	flagz del greeting
//	flagz status
//
// Each change is logged as it lands, and GET / shows its effect. flagz set
// refuses before writing a value the validators the demo publishes would
// refuse (rate_limit=0: out of range). A routing table without a default
// is refused by a custom validator, which flagz set cannot run: it writes the
// value, the demo refuses it and rolls it back in etcd, and flagz set reports
// the refusal and exits with 1. A bad value written with etcdctl is rolled
// back the same way; a deleted key returns its flag to the default.
//
// --etcd-endpoints=<url>,… follows a real cluster instead of the embedded
// one; --listen picks the address (127.0.0.1:0 for any free port; the
// printed URLs carry the real one); --rate-limit-max makes a process
// stricter than the others, to see pre-flight and --wait handle a fleet
// that disagrees, and --etcd-rollback=false leaves in etcd what it refuses
// (for the processes that take it); --presence-ttl sets how long a killed
// process stays listed. SIGINT or SIGTERM stops it cleanly.
//
// /debug/flagz shows every flag; its setter (POST /debug/flagz/set) is open
// to callers on the same machine only (see demo.LoopbackOnly) and changes
// this process, not etcd.
package main

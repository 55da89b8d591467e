// Command server is the flagz demo: an HTTP service whose greeting, feature
// switch, routing table and rate limit are dynamic flags kept in etcd.
//
// From the repository's root:
//
//	go run ./examples/server
//
// starts an embedded etcd on loopback (nothing to install), follows the keys
// under /flagz/demo/, serves on http://127.0.0.1:8080, and prints the URLs
// and the exact commands that change a flag while it runs:
//
//	go run ./examples/server set --etcd-endpoints=<endpoint> greeting hello
//	go run ./examples/server del --etcd-endpoints=<endpoint> greeting
//	etcdctl --endpoints=<endpoint> put /flagz/demo/greeting hello
//
// Each change is logged as it lands, and GET / shows its effect. A value a
// flag refuses (rate_limit=0, a routing table without a default) is rolled
// back in etcd; a deleted key returns its flag to the default.
//
// --etcd-endpoints=<url>,… follows a real cluster instead of the embedded
// one; --listen picks the address (127.0.0.1:0 for any free port; the
// printed URLs carry the real one). SIGINT or SIGTERM stops it cleanly.
//
// /debug/flagz shows every flag; its setter (POST /debug/flagz/set) is open
// to callers on the same machine only (see demo.LoopbackOnly) and changes
// this process, not etcd.
package main

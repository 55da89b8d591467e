// Package etcdtest starts real etcd servers inside a test process, for
// tests of programs that use flagz's etcd watcher (as net/http/httptest
// starts HTTP servers): one member or a cluster, on loopback ports picked
// at run time, with a temporary data directory, stopped when the test
// ends. A member can be stopped and restarted on the same data directory
// and ports, and a Proxy in front of a member can cut the network without
// stopping etcd, so tests reproduce real failures with nothing mocked.
//
//	srv := etcdtest.Start(t)
//	cli := srv.Client(t)
//
// The servers trade durability for speed (no fsync, short election
// timeouts): they are for tests, never for data that must survive.
//
// etcdtest is a module of its own, github.com/flagz-go/flagz/watcher/etcdtest,
// so that the watcher's module requires etcd's client and not its server:
// a service that imports the watcher does not get etcd's server (and the
// modules only it needs) in its module graph; its tests' module requires
// etcdtest.
package etcdtest

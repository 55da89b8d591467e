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
package etcdtest

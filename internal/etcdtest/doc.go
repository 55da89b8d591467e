// Package etcdtest starts real etcd servers inside a test process: one
// member or a cluster, on loopback ports picked at run time, with a
// temporary data directory, stopped when the test ends. A member can be
// stopped and restarted on the same data directory and ports, and a Proxy
// in front of a member can cut the network without stopping etcd, so tests
// reproduce real failures with nothing mocked.
//
//	srv := etcdtest.Start(t)
//	cli := srv.Client(t)
//
// It lives under internal/ so that only this repository's modules import
// it.
package etcdtest

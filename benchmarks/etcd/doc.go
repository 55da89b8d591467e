// Package etcd measures the flagz etcd watcher against the floor, a raw
// clientv3 watch on the same embedded etcd server in the same run:
// propagation latency from a put to Get, a full resync of 10,000 flags,
// memory per watched flag, and the read of etcd's history a rollback makes
// for each refused write. See ../README.md.
package etcd

// Package etcd measures the flagz etcd watcher against the floor, a raw
// clientv3 watch on the same embedded etcd server in the same run:
// propagation latency from a put to Get, a full resync of 10,000 flags, and
// memory per watched flag. See ../README.md.
package etcd

// Package fleet measures a fleet of flagz watchers following one etcd
// prefix: N followers, each with its own etcd client as N processes would
// have, beside N raw clientv3 watchers in the same run, directly on one
// embedded etcd and behind etcd's gRPC proxy. Its benchmarks and their
// results are described in benchmarks/README.md ("Fleet").
package fleet

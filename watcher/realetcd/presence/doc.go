// Package presence tests package github.com/flagz-go/flagz/watcher/presence
// against a real etcd (an embedded etcd server, watcher/etcdtest): List
// reads the records the watcher writes. It holds no code but its tests;
// the tests that need no etcd stay beside the presence package.
package presence

// Package embedetcd runs a single-member etcd server inside the demo
// process, so that `go run ./examples/server` needs nothing installed. It
// listens on loopback ports picked at run time and keeps its data in a
// temporary directory removed by Close.
//
// It is a demo convenience: production services talk to a real cluster
// (the demo's --etcd-endpoints).
package embedetcd

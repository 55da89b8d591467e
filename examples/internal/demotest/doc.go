// Package demotest runs a demo binary (examples/server, examples/server_kube)
// as a real process for end-to-end tests: it builds it, starts it, reads the
// URLs from its banner, queries the service and the debug page, waits for
// conditions with a deadline, and stops it with SIGTERM expecting exit code
// 0. Nothing is mocked: the test talks to the process over loopback HTTP as
// a user would.
package demotest

// Package cli is the flagz command: Run parses the command line, runs one
// subcommand against etcd and returns the exit code. Each subcommand lives
// in a file of its own (ls.go, get.go, set.go, del.go, status.go); what they
// share is here: the global flags (globals.go), the etcd client
// (connect.go), the live processes' presence records (fleet.go), pre-flight
// checks (preflight.go), waiting for a write to reach every process
// (wait.go) and text output (output.go), which shows everything that came
// from etcd with terminal control characters escaped.
package cli

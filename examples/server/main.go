package main

import (
	"fmt"
	"os"
)

// Subcommands besides serving (the default).
const (
	cmdSet = "set"
	cmdDel = "del"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

// run dispatches to a subcommand and returns the exit code.
func run(args []string) int {
	var err error
	switch {
	case len(args) > 0 && args[0] == cmdSet:
		err = runSet(args[1:], os.Stdout)
	case len(args) > 0 && args[0] == cmdDel:
		err = runDel(args[1:], os.Stdout)
	default:
		err = runServe(args, os.Stdout)
	}
	if err == nil {
		return 0
	}
	fmt.Fprintln(os.Stderr, "server:", err)
	return 1
}

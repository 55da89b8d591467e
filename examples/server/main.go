package main

import (
	"fmt"
	"os"
)

func main() {
	if err := runServe(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

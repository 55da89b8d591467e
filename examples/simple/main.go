package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/examples/simple/settings"
	"github.com/spf13/pflag"
)

func main() {
	err := run(pflag.CommandLine, os.Args[1:], os.Stdout)
	if errors.Is(err, pflag.ErrHelp) {
		return // --help printed the usage
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "simple:", err)
		os.Exit(2)
	}
}

// run parses args into fs (where package settings declared its flags),
// reads the files of the *_path flags, and prints what the program sees.
func run(fs *pflag.FlagSet, args []string, out io.Writer) error {
	fs.Init("simple", pflag.ContinueOnError)
	if err := fs.Parse(args); err != nil {
		return err // names the flag and the reason, e.g. workers out of range
	}
	if err := flagz.ReadFileFlags(fs); err != nil {
		return err
	}

	// Any package reads the current values the same way: Get is lock-free.
	fmt.Fprintf(out, "%s: %d workers, timeout %v, verbose %v, backends %s, api token set: %v\n\n",
		*settings.Name, settings.Workers.Get(), settings.Timeout.Get(), settings.Verbose.Get(),
		strings.Join(settings.Backends.Get(), " "), settings.APIToken.Get() != "")

	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FLAG\tKIND\tVALUE\tDEFAULT\tCHANGED")
	for _, f := range flagz.EngineFor(fs).Flags() {
		kind := "static"
		if f.Dynamic {
			kind = "dynamic"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%v\n", f.Name, kind, f.Value, f.Default, f.Changed)
	}
	return tw.Flush()
}

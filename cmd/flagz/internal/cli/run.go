package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/pflag"
)

// Exit codes of Run.
const (
	// ExitOK: the command did what was asked.
	ExitOK = 0
	// ExitFailed: pre-flight refused the value, a --if-revision lost its
	// race, a process rejected the write, the wait for the processes timed
	// out, the value did not stay in etcd (rolled back), no process could
	// confirm the write (without --force), a key does not exist, or etcd
	// failed. Nothing was written unless the output says so.
	ExitFailed = 1
	// ExitUsage: the command line is wrong (unknown command or flag, wrong
	// number of arguments, bad flag value).
	ExitUsage = 2
)

// usageError is a mistake on the command line: Run prints it with the
// command's usage and returns ExitUsage.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// errReported is returned by a command that has already said why it failed
// (on stdout, in its own output format): Run prints nothing more and
// returns ExitFailed.
var errReported = errors.New("failure already reported")

// command is one subcommand. setup declares its own flags on fs (beside the
// global ones) and returns the function that runs it with the operands.
type command struct {
	name     string
	operands string // such as "NAME VALUE"
	summary  string // one line for the command list
	details  string // the rest of its help
	setup    func(fs *pflag.FlagSet) func(ctx context.Context, s *session, args []string) error
}

// commands lists every subcommand by name.
func commands() map[string]*command {
	list := []*command{lsCommand(), getCommand(), setCommand(), delCommand(), statusCommand()}
	list = append(list, historyCommand(), undoCommand(), canaryCommand())
	m := make(map[string]*command, len(list))
	for _, c := range list {
		m[c.name] = c
	}
	return m
}

// Run runs the flagz command line args (without the program's name),
// writing its output to stdout and its diagnostics to stderr, and returns
// the exit code: ExitOK, ExitFailed or ExitUsage. ctx bounds everything,
// --wait included.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmds := commands()
	name, rest := firstOperand(args)
	switch name {
	case "", "help", "-h", "--help":
		if name == "help" && len(rest) > 0 {
			if c, ok := cmds[rest[0]]; ok {
				fs, _, _ := newFlagSet(c)
				printCommandHelp(stdout, c, fs)
				return ExitOK
			}
		}
		printOverview(stdout, cmds)
		if name == "" {
			return ExitUsage
		}
		return ExitOK
	}
	c, ok := cmds[name]
	if !ok {
		linef(stderr, "flagz: unknown command \"%s\"\n", name)
		printOverview(stderr, cmds)
		return ExitUsage
	}
	fs, g, run := newFlagSet(c)
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			printCommandHelp(stdout, c, fs)
			return ExitOK
		}
		linef(stderr, "flagz %s: %v", c.name, err)
		fmt.Fprintf(stderr, "usage: flagz %s [flags] %s (flagz help %s)\n", c.name, c.operands, c.name)
		return ExitUsage
	}
	s, err := newSession(ctx, g, stdout, stderr)
	if err == nil {
		defer s.close()
		err = run(ctx, s, fs.Args())
	}
	var ue *usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ue):
		linef(stderr, "flagz %s: %v", c.name, err)
		fmt.Fprintf(stderr, "usage: flagz %s [flags] %s (flagz help %s)\n", c.name, c.operands, c.name)
		return ExitUsage
	case errors.Is(err, errReported):
		return ExitFailed
	default:
		linef(stderr, "flagz %s: %v", c.name, err)
		return ExitFailed
	}
}

// firstOperand finds the command's name: the first argument that is
// neither a flag nor a global flag's value (flagz -o json ls, flagz
// --endpoints=X ls).
func firstOperand(args []string) (name string, rest []string) {
	globalFlags := pflag.NewFlagSet("flagz", pflag.ContinueOnError)
	bindGlobals(globalFlags)
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-h" || a == "--help":
			return a, nil
		case a == "--":
			return "", nil
		case !strings.HasPrefix(a, "-") || a == "-":
			return a, append(append([]string{}, args[:i]...), args[i+1:]...)
		case !strings.Contains(a, "=") && takesValue(globalFlags, a):
			i++ // the flag's value
		}
	}
	return "", nil
}

// takesValue reports whether arg (such as "-o" or "--prefix") is a global
// flag that takes the next argument as its value.
func takesValue(fs *pflag.FlagSet, arg string) bool {
	var f *pflag.Flag
	if name, ok := strings.CutPrefix(arg, "--"); ok {
		f = fs.Lookup(name)
	} else if len(arg) == 2 {
		f = fs.ShorthandLookup(arg[1:])
	}
	return f != nil && f.NoOptDefVal == ""
}

// newFlagSet declares the command's own flags, then the global ones.
func newFlagSet(c *command) (*pflag.FlagSet, *globals, func(context.Context, *session, []string) error) {
	fs := pflag.NewFlagSet("flagz "+c.name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard) // Run prints errors and help itself
	fs.SortFlags = false
	run := c.setup(fs)
	g := bindGlobals(fs)
	return fs, g, run
}

func printOverview(w io.Writer, cmds map[string]*command) {
	fmt.Fprint(w, `flagz: change flags kept in etcd by flagz watchers, checked before they are written.

usage: flagz [global flags] <command> [flags] [arguments]

commands:
`)
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := cmds[n]
		fmt.Fprintf(w, "  %-26s %s\n", c.name+" "+c.operands, c.summary)
	}
	fmt.Fprint(w, `
global flags (before or after the command):
`)
	fs := pflag.NewFlagSet("flagz", pflag.ContinueOnError)
	fs.SortFlags = false
	bindGlobals(fs)
	fmt.Fprint(w, fs.FlagUsages())
	fmt.Fprint(w, exitCodesHelp)
}

const exitCodesHelp = `
exit codes:
  0  done
  1  refused by pre-flight, lost a --if-revision race, rejected by a process,
     the wait for the processes timed out, the value did not stay (rolled
     back), no live process to confirm a write (without --force), no such
     key, or etcd failed
  2  usage error

"flagz help <command>" shows a command's own flags.
`

func printCommandHelp(w io.Writer, c *command, fs *pflag.FlagSet) {
	fmt.Fprintf(w, "usage: flagz %s [flags] %s\n\n%s\n\n%s\n", c.name, c.operands, c.summary, strings.TrimSpace(c.details))
	fmt.Fprintf(w, "\nflags:\n%s", fs.FlagUsages())
	fmt.Fprint(w, exitCodesHelp)
}

package env

import (
	"flag"
	"fmt"

	"github.com/flagz-go/flagz"
	"github.com/spf13/pflag"
)

// ShowInHelp makes the usage message of fs (printed for --help, -h and on
// a parse error) show each flag's variable after its usage:
//
//	--rate-limit int   requests per second (default 10) [$MYAPP_RATE_LIMIT]
//
// The flags' usage strings carry the variables only while the message
// prints: the debug page and the published schema show them as declared.
// It wraps the flag set's Usage function (pflag.Usage for
// pflag.CommandLine, which pflag prints with it), or, when none is set,
// prints what the flag set's default one does. Call it before parsing.
func ShowInHelp[F flagz.FlagSet](fs F, prefix string) {
	switch s := any(fs).(type) {
	case *pflag.FlagSet:
		annotate := func() (restore func()) {
			var undo []func()
			s.VisitAll(func(f *pflag.Flag) {
				usage := f.Usage
				f.Usage = annotated(usage, prefix, f.Name)
				undo = append(undo, func() { f.Usage = usage })
			})
			return func() { run(undo) }
		}
		if s == pflag.CommandLine { // pflag prints its CommandLine's usage with pflag.Usage
			prev := pflag.Usage
			pflag.Usage = func() {
				defer annotate()()
				prev()
			}
			return
		}
		prev := s.Usage
		s.Usage = func() {
			defer annotate()()
			if prev != nil {
				prev()
				return
			}
			fmt.Fprintf(s.Output(), "Usage of %s:\n%s", s.Name(), s.FlagUsages())
		}
	case *flag.FlagSet:
		prev := s.Usage
		s.Usage = func() {
			var restore []func()
			s.VisitAll(func(f *flag.Flag) {
				usage := f.Usage
				f.Usage = annotated(usage, prefix, f.Name)
				restore = append(restore, func() { f.Usage = usage })
			})
			defer run(restore)
			if prev != nil {
				prev()
				return
			}
			if s.Name() == "" {
				fmt.Fprintf(s.Output(), "Usage:\n")
			} else {
				fmt.Fprintf(s.Output(), "Usage of %s:\n", s.Name())
			}
			s.PrintDefaults()
		}
	}
}

func annotated(usage, prefix, name string) string {
	return usage + " [$" + Var(prefix, name) + "]"
}

func run(fns []func()) {
	for _, fn := range fns {
		fn()
	}
}

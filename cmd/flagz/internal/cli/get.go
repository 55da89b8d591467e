package cli

import (
	"context"
	"fmt"

	"github.com/flagz-go/flagz"
	"github.com/spf13/pflag"
)

func getCommand() *command {
	return &command{
		name:     "get",
		operands: "NAME",
		summary:  "print the flag's value in etcd and the key's revision",
		details: `
Reads the key <prefix>/NAME. Text output: "NAME = value", then the key and
its mod revision (what set --if-revision compares). JSON output: name, key,
exists, value, mod_revision, create_revision, version, revision.
A key that does not exist exits with 1: the processes use their default.
The value of a flag a live process marks sensitive shows as [redacted]
unless --reveal. Text output shows control, bidi and other invisible
characters escaped (\x1b, \n, \u202e); JSON output has the value exactly.`,
		setup: func(fs *pflag.FlagSet) func(context.Context, *session, []string) error {
			reveal := fs.Bool("reveal", false, "print a sensitive flag's value instead of [redacted]")
			return func(ctx context.Context, s *session, args []string) error {
				return runGet(ctx, s, args, *reveal)
			}
		},
	}
}

func runGet(ctx context.Context, s *session, args []string, reveal bool) error {
	if len(args) != 1 {
		return usagef("want NAME, got %d arguments", len(args))
	}
	if err := checkName(args[0]); err != nil {
		return err
	}
	v, err := s.readKey(ctx, args[0])
	if err != nil {
		return err
	}
	if v.Exists && !reveal {
		f, err := s.readFleet(ctx)
		if err != nil {
			return fmt.Errorf("%w (needed to know whether %s is sensitive; --reveal prints it regardless)", err, v.Name)
		}
		if f.sensitive(v.Name) {
			v.Value = flagz.Redacted
		}
	}
	if s.json() {
		if err := s.printJSON(v); err != nil {
			return err
		}
		if !v.Exists {
			return errReported
		}
		return nil
	}
	if !v.Exists {
		return fmt.Errorf("%s has no value in etcd (no key %s): the processes use their default", v.Name, v.Key)
	}
	s.printf("%s = %s", v.Name, v.Value)
	s.printf("  key           %s", v.Key)
	s.printf("  mod revision  %d  (set --if-revision=%d changes it only if still so)", v.ModRevision, v.ModRevision)
	return nil
}

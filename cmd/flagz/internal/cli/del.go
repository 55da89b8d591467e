package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/pflag"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// delOutput is del's JSON output.
type delOutput struct {
	Name     string      `json:"name"`
	Key      string      `json:"key"`
	Existed  bool        `json:"existed"` // the key was there (nothing to do otherwise)
	Written  bool        `json:"written"` // the key was deleted
	Revision int64       `json:"revision,omitempty"`
	Conflict *keyView    `json:"conflict,omitempty"`
	Wait     *waitResult `json:"wait,omitempty"`
	Now      *keyView    `json:"now,omitempty"` // the key after --wait, if it is back
	Error    string      `json:"error,omitempty"`
}

func delCommand() *command {
	return &command{
		name:     "del",
		operands: "NAME",
		summary:  "delete the flag's key: the processes return to their default",
		details: `
Deletes the key <prefix>/NAME. A key that does not exist is not an error:
there is nothing to delete, and nothing to wait for.
--if-revision=N deletes only if the key's mod revision is still N.
--wait[=DURATION] then waits as for set.`,
		setup: func(fs *pflag.FlagSet) func(context.Context, *session, []string) error {
			wf := &writeFlags{}
			wf.bind(fs)
			return func(ctx context.Context, s *session, args []string) error {
				return runDel(ctx, s, args, wf)
			}
		},
	}
}

func runDel(ctx context.Context, s *session, args []string, wf *writeFlags) error {
	if len(args) != 1 {
		return usagef("want NAME, got %d arguments", len(args))
	}
	if err := wf.check(); err != nil {
		return err
	}
	name := args[0]
	if err := checkName(name); err != nil {
		return err
	}
	// Read first: an etcd that does not answer fails here, before any
	// write, and the output can say what was there.
	before, err := s.readKey(ctx, name)
	if err != nil {
		return fmt.Errorf("%w; nothing deleted", err)
	}
	out := delOutput{Name: name, Key: before.Key, Existed: before.Exists}
	if !before.Exists && wf.ifRevision.n == noRevision {
		if s.json() {
			return s.printJSON(out)
		}
		s.printf("%s has no key in etcd (%s): nothing to delete", name, out.Key)
		return nil
	}
	res, cur, err := s.write(ctx, name, clientv3.OpDelete(out.Key), wf.ifRevision.n)
	if errors.Is(err, errLostRace) {
		cur.redact(s.sensitive(ctx, name))
		out.Conflict = &cur
		if s.json() {
			return errors.Join(s.printJSON(out), errReported)
		}
		s.errorf("refused: %s; nothing deleted", describeConflict(cur, wf.ifRevision.n))
		return errReported
	}
	if err != nil {
		out.Error = err.Error()
		if s.json() {
			_ = s.printJSON(out)
		}
		return err
	}
	out.Written, out.Revision = res.Written, res.Revision
	if !res.Written {
		// Deleted between the read and the write (or --if-revision=0 on a
		// missing key): nothing to wait for.
		if s.json() {
			return s.printJSON(out)
		}
		s.printf("%s has no key in etcd (%s): nothing to delete", name, out.Key)
		return nil
	}
	if !s.json() {
		s.printf("deleted %s  (key %s, revision %d): the processes return to their default", name, out.Key, res.Revision)
	}
	wr := pendingWrite{name: name, revision: res.Revision, deleted: true, wait: wf.wait}
	o := s.awaitWrite(ctx, wr)
	if o.now != nil {
		o.now.redact(s.sensitive(ctx, name))
	}
	out.Wait, out.Now = o.wait, o.now
	if s.json() {
		if err := s.printJSON(out); err != nil {
			return err
		}
	} else {
		s.printAwaited(wr, o)
	}
	return o.exitError(s.json())
}

package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/flagz-go/flagz/watcher/change"
	"github.com/flagz-go/flagz/watcher/presence"
	"github.com/spf13/pflag"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// delOutput is del's JSON output.
type delOutput struct {
	Name     string   `json:"name"`
	Key      string   `json:"key"`
	Existed  bool     `json:"existed"` // the key was there (nothing to do otherwise)
	Written  bool     `json:"written"` // the key was deleted
	Revision int64    `json:"revision,omitempty"`
	Conflict *keyView `json:"conflict,omitempty"`
	// EndedCanary: the flag was under a canary, which the delete
	// (--force) ended.
	EndedCanary bool        `json:"ended_canary,omitempty"`
	Wait        *waitResult `json:"wait,omitempty"`
	// Unconfirmed says why no process confirmed the delete: --no-wait, or
	// no live process (deleted with --force).
	Unconfirmed string   `json:"unconfirmed,omitempty"`
	Now         *keyView `json:"now,omitempty"` // the key after the wait, if it is back
	Error       string   `json:"error,omitempty"`
}

func delCommand() *command {
	return &command{
		name:     "del",
		operands: "NAME",
		summary:  "delete the flag's key (the processes return to their default), wait for their answer",
		details: `
Deletes the key <prefix>/NAME. A key that does not exist is not an error:
there is nothing to delete, and nothing to wait for.
--if-revision=N deletes only if the key's mod revision is still N.

Then it waits, as set does, until every live process reports the delete
applied (back to its default) or refused, up to 1m (--wait=DURATION;
--no-wait returns at once), and exits with 1 if any refused, the wait timed
out, or the key is back. With no live process publishing its presence
nobody could confirm the delete: it deletes nothing and exits with 1,
unless --force, which deletes and says that nobody confirmed it (exit 0).`,
		setup: func(fs *pflag.FlagSet) func(context.Context, *session, []string) error {
			wf := &writeFlags{}
			wf.bind(fs, "delete even if no live process publishes its presence (nobody can confirm the delete)")
			return func(ctx context.Context, s *session, args []string) error {
				return runDel(ctx, s, args, wf, change.ActionDel)
			}
		},
	}
}

// runDel deletes the key of NAME (args) as action (del, undo).
func runDel(ctx context.Context, s *session, args []string, wf *writeFlags, action string) error {
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
	f, err := s.readFleet(ctx)
	if err != nil {
		return fmt.Errorf("%w; nothing deleted", err)
	}
	s.warnInvalid(f.invalid)
	if len(f.records) == 0 && !wf.force {
		out.Error = fmt.Sprintf("no live process publishes its presence under %s (watcher.WithPresence), "+
			"so nobody can confirm the delete; --force deletes anyway", presence.Prefix(s.g.flagPrefix()))
		if s.json() {
			return errors.Join(s.printJSON(out), errReported)
		}
		s.errorf("refused: %s; nothing deleted", out.Error)
		return errReported
	}
	res, cur, err := s.write(ctx, name, clientv3.OpDelete(out.Key), wf.ifRevision.n, wf.meta(action))
	if errors.Is(err, errLostRace) {
		cur.redact(f.sensitive(name))
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
	out.Written, out.Revision, out.EndedCanary = res.Written, res.Revision, res.EndedCanary
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
		if res.EndedCanary {
			s.printf("ended the canary of %s (--force)", name)
		}
	}
	wr := s.pending(f, wf, name, res.Revision)
	wr.deleted = true
	o := s.awaitWrite(ctx, wr)
	if o.now != nil {
		o.now.redact(wr.sensitive || s.sensitive(ctx, name))
	}
	out.Wait, out.Now, out.Unconfirmed = o.wait, o.now, o.unconfirmed
	if s.json() {
		if err := s.printJSON(out); err != nil {
			return err
		}
	} else {
		s.printAwaited(wr, o)
	}
	return o.exitError(s.json())
}

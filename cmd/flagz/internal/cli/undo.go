package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/watcher/change"
	"github.com/spf13/pflag"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
)

func undoCommand() *command {
	return &command{
		name:     "undo",
		operands: "NAME",
		summary:  "put back the flag's value before its last write (pre-flight, wait, as set)",
		details: `
Finds the last write to the key <prefix>/NAME in etcd's history and puts
back what the key held just before it: that value through pre-flight, the
write and the wait, exactly as set does, or, if the key did not exist
before, a delete, as del does. The write is guarded: if anyone writes the
key meanwhile, undo writes nothing and says so. Undo of an undo puts back
the value it replaced. It records who and why (--author, --reason) beside
the flag, as every write of the command does (flagz history shows them).

It fails, writing nothing, when etcd's history before the last write is
compacted, and when the flag is under a canary, unless --force (which
ends the canary).`,
		setup: func(fs *pflag.FlagSet) func(context.Context, *session, []string) error {
			wf := &writeFlags{}
			wf.bindWait(fs, "write even if pre-flight refuses the value put back, or the flag is under a canary (which the write ends)")
			return func(ctx context.Context, s *session, args []string) error {
				return runUndo(ctx, s, args, wf)
			}
		},
	}
}

func runUndo(ctx context.Context, s *session, args []string, wf *writeFlags) error {
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
	cur, err := s.readKey(ctx, name)
	if err != nil {
		return fmt.Errorf("%w; nothing written", err)
	}
	last := cur.ModRevision
	if !cur.Exists {
		if last, err = s.lastDelete(ctx, name); err != nil {
			return fmt.Errorf("%w; nothing written", err)
		}
	}
	prev, err := s.readKeyAt(ctx, name, last-1)
	if err != nil {
		return fmt.Errorf("%w; nothing written", err)
	}
	// The write is guarded by the key as it is now: a write that comes
	// between wins, and undo writes nothing.
	wf.ifRevision.n = cur.ModRevision
	if !s.json() {
		what := "the value of revision " + itoa(prev.ModRevision)
		if !prev.Exists {
			what = "no key (the processes use their default)"
		} else if s.sensitive(ctx, name) {
			what += " (" + flagz.Redacted + ")"
		} else {
			what += ": " + prev.Value
		}
		s.printf("undo %s: the write of revision %d, back to %s", name, last, what)
	}
	wf.detail = fmt.Sprintf("undid revision %d", last)
	if !prev.Exists {
		return runDel(ctx, s, []string{name}, wf, change.ActionUndo)
	}
	return runSet(ctx, s, []string{name, prev.Value}, wf, change.ActionUndo)
}

// readKeyAt reads the key of the flag name as it was at revision rev.
func (s *session) readKeyAt(ctx context.Context, name string, rev int64) (keyView, error) {
	key := s.g.flagKey(name)
	if rev < 1 {
		return newKeyView(name, key, nil, rev), nil
	}
	rctx, cancel := s.request(ctx)
	defer cancel()
	resp, err := s.client.Get(rctx, key, clientv3.WithRev(rev))
	switch {
	case errors.Is(err, rpctypes.ErrCompacted):
		return keyView{}, fmt.Errorf("what %s held before revision %d is gone: etcd compacted its history up to there", name, rev+1)
	case err != nil:
		return keyView{}, s.etcdError("read "+key+" at revision "+itoa(rev), err)
	case len(resp.Kvs) == 0:
		return newKeyView(name, key, nil, rev), nil
	}
	return newKeyView(name, key, resp.Kvs[0], rev), nil
}

// lastDelete returns the revision of the delete that removed the flag
// name's key, from etcd's history.
func (s *session) lastDelete(ctx context.Context, name string) (int64, error) {
	key := s.g.flagKey(name)
	r, err := s.replay(ctx, key)
	if err != nil {
		return 0, err
	}
	events := r.events[key]
	if len(events) == 0 || events[len(events)-1].Type != clientv3.EventTypeDelete {
		since := ""
		if r.from > 1 {
			since = fmt.Sprintf(" since revision %d (older history is compacted)", r.from)
		}
		return 0, fmt.Errorf("%s has no key, and etcd's history%s holds no write of it: nothing to undo", name, since)
	}
	return events[len(events)-1].Kv.ModRevision, nil
}

func itoa(n int64) string { return fmt.Sprint(n) }

package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/flagz-go/flagz/watcher/canary"
	"github.com/flagz-go/flagz/watcher/change"
	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// errCanaryEnded: a write of a canary lost to someone who changed or
// ended it meanwhile (an abort, a promotion, a forced write).
var errCanaryEnded = errors.New("the canary changed or ended under the command")

// errFlagMoved: the flag's key changed since the canary began.
var errFlagMoved = errors.New("the flag's key changed since the canary began")

// writeStage writes the canary record rec, with its change record, in one
// transaction. The first stage (first) is written only if the flag has no
// canary (unless force, which replaces one) and its key is still at
// rec.FlagRevision; a later one only if the record is still the one this
// command wrote at prevRev: a concurrent abort wins. It returns the
// write's revision.
func (s *session) writeStage(ctx context.Context, rec canary.Record, prevRev int64, first, force bool, by authorship, budget time.Duration) (int64, error) {
	name := rec.Flag
	key, flagKey := canary.Key(s.g.prefix, name), s.g.flagKey(name)
	value, err := canary.Encode(rec)
	if err != nil {
		return 0, err
	}
	action, detail := change.ActionStage, stageDetail(rec)
	var conds []clientv3.Cmp
	if first {
		action = change.ActionCanary
		conds = append(conds, clientv3.Compare(clientv3.ModRevision(flagKey), "=", rec.FlagRevision))
		if !force {
			conds = append(conds, clientv3.Compare(clientv3.CreateRevision(key), "=", 0))
		}
	} else {
		conds = append(conds, clientv3.Compare(clientv3.ModRevision(key), "=", prevRev))
	}
	resp, err := s.txn(ctx, budget, flagKey, conds, []clientv3.Op{clientv3.OpPut(key, string(value))},
		s.record(by, name, action, detail), clientv3.OpGet(key), clientv3.OpGet(flagKey))
	if err != nil {
		return 0, err
	}
	if resp.Succeeded {
		return resp.Header.Revision, nil
	}
	canaryKvs := resp.Responses[0].GetResponseRange().Kvs
	flagKvs := resp.Responses[1].GetResponseRange().Kvs
	if len(canaryKvs) > 0 {
		// An attempt etcd committed without saying so (the leader changed
		// while it answered) is this very record.
		if cur := s.newCanaryView(canaryKvs[0]); cur.Err == nil && cur.Record.Salt == rec.Salt &&
			cur.Record.Stage == rec.Stage && cur.Record.StageStarted.Equal(rec.StageStarted) {
			return cur.ModRevision, nil
		}
	}
	switch {
	case !first:
		return 0, fmt.Errorf("%w: %s", errCanaryEnded, s.endedBy(ctx, name, len(canaryKvs) > 0, s.firstCanary(canaryKvs)))
	case len(canaryKvs) > 0 && !force:
		return 0, s.canaryInTheWay(name, canaryKvs[0])
	}
	now := int64(0)
	if len(flagKvs) > 0 {
		now = flagKvs[0].ModRevision
	}
	return 0, fmt.Errorf("%w: %s was written at revision %d while the canary began; nothing written, run it again",
		errFlagMoved, flagKey, now)
}

// firstCanary returns the canary record among kvs (one at most).
func (s *session) firstCanary(kvs []*mvccpb.KeyValue) canaryView {
	if len(kvs) == 0 {
		return canaryView{}
	}
	return s.newCanaryView(kvs[0])
}

// stageDetail says which stage rec is, for its change record.
func stageDetail(rec canary.Record) string {
	return fmt.Sprintf("stage %d of %d (%s: %d of %d processes)", rec.Stage+1, len(rec.Stages),
		canary.FormatShare(rec.Share()), rec.Members, rec.Live)
}

// abortCanary deletes the canary record of name, with its change record
// (detail says why), if it is still the one written at rev: a newer write
// wins. Every process returns to the flag's key. ok false: the record
// changed or is gone.
func (s *session) abortCanary(ctx context.Context, name string, rev int64, by authorship, detail string, budget time.Duration) (abortRev int64, ok bool, err error) {
	key, changeKey := canary.Key(s.g.prefix, name), change.Key(s.g.prefix, name)
	rec := s.record(by, name, change.ActionAbort, detail)
	resp, err := s.txn(ctx, budget, key, []clientv3.Cmp{clientv3.Compare(clientv3.ModRevision(key), "=", rev)},
		[]clientv3.Op{clientv3.OpDelete(key)}, rec, clientv3.OpGet(changeKey))
	if err != nil {
		return 0, false, err
	}
	if resp.Succeeded {
		return resp.Header.Revision, true, nil
	}
	if r, ok := s.ownChange(resp.Responses[0].GetResponseRange().Kvs, rec); ok {
		return r, true, nil
	}
	return 0, false, nil
}

// ownChange returns the revision of the change record among kvs (one at
// most) if it is rec: an attempt etcd committed without saying so. rec is
// compared as its key keeps it (a long author is cut).
func (s *session) ownChange(kvs []*mvccpb.KeyValue, rec change.Record) (int64, bool) {
	if len(kvs) == 0 {
		return 0, false
	}
	rec = rec.Bounded()
	got, err := change.DecodeKey(s.g.prefix, string(kvs[0].Key), kvs[0].Value)
	if err != nil || got.Action != rec.Action || got.By != rec.By || !got.At.Equal(rec.At) {
		return 0, false
	}
	return kvs[0].ModRevision, true
}

// promoteCanary writes the canary's value (rec, written at rev) to the
// flag's key and deletes the record, with its change record, in one
// transaction, only while the record is still the one written at rev (a
// concurrent abort wins) and, unless force, the flag's key is still at
// rec.FlagRevision.
func (s *session) promoteCanary(ctx context.Context, rec canary.Record, rev int64, force bool, by authorship, budget time.Duration) (writeResult, error) {
	name := rec.Flag
	key, flagKey, changeKey := canary.Key(s.g.prefix, name), s.g.flagKey(name), change.Key(s.g.prefix, name)
	conds := []clientv3.Cmp{clientv3.Compare(clientv3.ModRevision(key), "=", rev)}
	if !force {
		conds = append(conds, clientv3.Compare(clientv3.ModRevision(flagKey), "=", rec.FlagRevision))
	}
	crec := s.record(by, name, change.ActionPromote, fmt.Sprintf("%d stages", len(rec.Stages)))
	resp, err := s.txn(ctx, budget, flagKey, conds, []clientv3.Op{clientv3.OpPut(flagKey, rec.Value), clientv3.OpDelete(key)},
		crec, clientv3.OpGet(key), clientv3.OpGet(flagKey), clientv3.OpGet(changeKey))
	if err != nil {
		return writeResult{}, err
	}
	if resp.Succeeded {
		return writeResult{Written: true, Revision: resp.Header.Revision}, nil
	}
	if r, ok := s.ownChange(resp.Responses[2].GetResponseRange().Kvs, crec); ok {
		return writeResult{Written: true, Revision: r}, nil
	}
	canaryKvs := resp.Responses[0].GetResponseRange().Kvs
	if len(canaryKvs) == 0 || canaryKvs[0].ModRevision != rev {
		return writeResult{}, fmt.Errorf("%w: %s", errCanaryEnded, s.endedBy(ctx, name, len(canaryKvs) > 0, s.firstCanary(canaryKvs)))
	}
	now := int64(0)
	if kvs := resp.Responses[1].GetResponseRange().Kvs; len(kvs) > 0 {
		now = kvs[0].ModRevision
	}
	return writeResult{}, fmt.Errorf("%w: %s is at revision %d, not %d as when the canary began (someone wrote it "+
		"with --force?); not promoted: flagz canary abort %s, or promote --force", errFlagMoved, flagKey, now, rec.FlagRevision, name)
}

// txn runs ops and the put of rec (the change record) if conds hold,
// else elseOps, in one transaction; key names what is written in errors.
// A failure of etcd (no leader, a leader change, no answer) is tried
// again until budget has passed: the conditions make a second attempt
// harmless, and the callers recognize an attempt etcd committed without
// saying so.
func (s *session) txn(ctx context.Context, budget time.Duration, key string, conds []clientv3.Cmp, ops []clientv3.Op, rec change.Record, elseOps ...clientv3.Op) (*clientv3.TxnResponse, error) {
	value, err := change.Encode(rec)
	if err != nil {
		return nil, err
	}
	ops = append(ops, clientv3.OpPut(change.Key(s.g.prefix, rec.Flag), string(value)))
	deadline := time.Now().Add(budget)
	retry := newRetryDelay()
	for {
		rctx, cancel := s.request(ctx)
		resp, err := s.client.Txn(rctx).If(conds...).Then(ops...).Else(elseOps...).Commit()
		cancel()
		switch {
		case err == nil:
			return resp, nil
		case ctx.Err() != nil || s.probe.downErr() != nil || time.Now().After(deadline):
			return nil, s.writeError(key, err)
		}
		retry.wait(ctx)
	}
}

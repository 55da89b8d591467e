package watcher

import (
	"context"
	"errors"
	"fmt"

	"github.com/flagz-go/flagz/source"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// Before returns what the flag's key held just before its write at
// revision rev: a read of the key at rev-1 from etcd's history, which gives
// the value and the ModRevision of the write that made it, or no key (0)
// if it did not exist then. A compacted revision is an error wrapping
// source.ErrHistoryGone.
func (o *etcdOrigin) Before(ctx context.Context, name string, rev int64) (string, int64, error) {
	if err := o.canary.notUndoable(name, rev); err != nil {
		return "", 0, err
	}
	if rev <= 1 {
		return "", 0, nil // nothing is older than etcd's first revision
	}
	ctx, cancel := withRequestTimeout(ctx, o.opts.requestTimeout)
	defer cancel()
	resp, err := o.client.Get(ctx, o.key(name), clientv3.WithRev(rev-1))
	switch {
	case errors.Is(err, rpctypes.ErrCompacted):
		return "", 0, fmt.Errorf("%w: revision %d: %w", source.ErrHistoryGone, rev-1, err)
	case err != nil:
		return "", 0, err
	case len(resp.Kvs) == 0:
		return "", 0, nil
	}
	kv := resp.Kvs[0]
	return string(kv.Value), kv.ModRevision, nil
}

// WriteBack replaces the bad value written at badRev to the flag's key with
// good, or deletes the key when good is nil. The transaction only succeeds
// while badRev is still the key's latest write, so a newer write always
// wins, and each bad write causes at most one write back.
func (o *etcdOrigin) WriteBack(ctx context.Context, name string, badRev int64, good *string) (bool, error) {
	key := o.key(name)
	op := clientv3.OpDelete(key)
	if good != nil {
		op = clientv3.OpPut(key, *good)
	}
	ctx, cancel := withRequestTimeout(ctx, o.opts.requestTimeout)
	defer cancel()
	resp, err := o.client.Txn(ctx).
		If(clientv3.Compare(clientv3.ModRevision(key), "=", badRev)).
		Then(op).
		Commit()
	if err != nil {
		return false, err
	}
	return resp.Succeeded, nil
}

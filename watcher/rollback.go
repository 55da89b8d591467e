package watcher

import (
	"context"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// WriteBack replaces the bad value written at badRev to the flag's key with
// good, or deletes the key when good is nil. The transaction only succeeds
// while badRev is still the key's latest write, so a newer write always
// wins, and each bad write causes at most one write back: two processes, or
// two bad values, cannot ping-pong.
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

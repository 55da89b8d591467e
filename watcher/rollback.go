package watcher

import (
	"context"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// rollBack replaces the bad value written at badRev to the flag's key with
// the value this process last applied, or deletes the key if it applied
// none. The transaction only succeeds while badRev is still the key's latest
// write, so a newer write always wins, and each bad write causes at most one
// rollback write: two processes, or two bad values, cannot ping-pong.
func (w *Watcher) rollBack(ctx context.Context, name string, badRev int64) {
	key := w.key(name)
	good, hasGood := w.src.LastApplied(name)
	op := clientv3.OpDelete(key)
	if hasGood {
		op = clientv3.OpPut(key, good)
	}
	ctx, cancel := context.WithTimeout(ctx, w.opts.requestTimeout)
	defer cancel()
	resp, err := w.client.Txn(ctx).
		If(clientv3.Compare(clientv3.ModRevision(key), "=", badRev)).
		Then(op).
		Commit()
	attrs := []any{"flag", name, "key", key, "bad_revision", badRev, "restored", hasGood}
	switch {
	case err != nil:
		w.log.Warn("flagz watcher: rollback of a bad value failed", append(attrs, "error", err)...)
	case !resp.Succeeded:
		w.log.Info("flagz watcher: rollback skipped, a newer write replaced the bad value", attrs...)
	default:
		w.log.Warn("flagz watcher: bad value rolled back", append(attrs, "revision", resp.Header.Revision)...)
	}
}

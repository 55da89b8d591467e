package watcher

import (
	"context"

	"github.com/flagz-go/flagz"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// listing is every flag key under the prefix at one revision.
type listing struct {
	rev     int64
	values  map[string]string // flag name -> value
	modRevs map[string]int64  // flag name -> revision of its last write
}

// list reads every key under the prefix at one revision, a page at a time
// (the way etcd's mirror package does), so a large prefix never makes one
// huge response.
func (w *Watcher) list(ctx context.Context) (listing, error) {
	ctx = clientv3.WithRequireLeader(ctx)
	l := listing{values: map[string]string{}, modRevs: map[string]int64{}}
	key, end := w.keyPrefix, clientv3.GetPrefixRangeEnd(w.keyPrefix)
	for {
		opts := []clientv3.OpOption{
			clientv3.WithRange(end),
			clientv3.WithLimit(w.opts.pageSize),
			clientv3.WithSort(clientv3.SortByKey, clientv3.SortAscend),
		}
		if l.rev != 0 {
			opts = append(opts, clientv3.WithRev(l.rev))
		}
		rctx, cancel := context.WithTimeout(ctx, w.opts.requestTimeout)
		resp, err := w.client.Get(rctx, key, opts...)
		cancel()
		if err != nil {
			return listing{}, err
		}
		if l.rev == 0 {
			l.rev = resp.Header.Revision
		}
		for _, kv := range resp.Kvs {
			if name, ok := w.flagName(kv.Key); ok {
				l.values[name] = string(kv.Value)
				l.modRevs[name] = kv.ModRevision
			}
		}
		if !resp.More || len(resp.Kvs) == 0 {
			return l, nil
		}
		key = string(append(resp.Kvs[len(resp.Kvs)-1].Key, 0))
	}
}

// resync lists the prefix and applies it as a full snapshot: the first one
// with Load (static flags may change), later ones with Reconcile (names gone
// from etcd return to their defaults).
func (w *Watcher) resync(ctx context.Context) (report flagz.Report, err error) {
	l, err := w.list(ctx)
	if err != nil {
		return nil, err
	}
	reconcile := w.loaded
	if reconcile {
		report = w.src.Reconcile(l.rev, l.values)
	} else {
		report = w.src.Load(l.rev, l.values)
	}
	w.loaded, w.current, w.rev = true, true, l.rev
	w.src.SetState(flagz.StateServing, nil)
	w.persist()
	if reconcile && w.opts.rollback {
		// A value that turned bad while the watcher was away is rolled
		// back only if this process has a good value to put back: a
		// listing never deletes keys.
		for _, o := range report {
			if _, good := w.src.LastApplied(o.Flag); good && o.Result == flagz.Rejected {
				w.rollBack(ctx, o.Flag, l.modRevs[o.Flag])
			}
		}
	}
	return report, nil
}

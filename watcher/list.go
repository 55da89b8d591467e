package watcher

import (
	"context"

	"github.com/flagz-go/flagz/source"
	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// List reads every key under the prefix at one revision, a page at a time
// (the way etcd's mirror package does), so a large prefix never makes one
// huge response. Each value's ModRevision goes with it, for rollbacks.
func (o *etcdOrigin) List(ctx context.Context) (source.Snapshot, error) {
	ctx = clientv3.WithRequireLeader(ctx)
	s := source.Snapshot{Values: map[string]string{}, Versions: map[string]int64{}}
	var (
		keys     int64
		canaries []*mvccpb.KeyValue
	)
	key, end := o.keyPrefix, clientv3.GetPrefixRangeEnd(o.keyPrefix)
	for {
		opts := []clientv3.OpOption{
			clientv3.WithRange(end),
			clientv3.WithLimit(o.opts.pageSize),
			clientv3.WithSort(clientv3.SortByKey, clientv3.SortAscend),
		}
		if s.Revision != 0 {
			opts = append(opts, clientv3.WithRev(s.Revision))
		}
		rctx, cancel := withRequestTimeout(ctx, o.opts.requestTimeout)
		resp, err := o.client.Get(rctx, key, opts...)
		cancel()
		if err != nil {
			return source.Snapshot{}, err
		}
		if s.Revision == 0 {
			s.Revision = resp.Header.Revision
		}
		keys += int64(len(resp.Kvs))
		for _, kv := range resp.Kvs {
			if name, ok := o.flagName(kv.Key); ok {
				s.Values[name] = string(kv.Value)
				s.Versions[name] = kv.ModRevision
			} else if _, ok := o.canary.owns(kv.Key); ok {
				canaries = append(canaries, kv)
			}
		}
		if !resp.More || len(resp.Kvs) == 0 {
			o.listedMu.Lock()
			o.listedRev, o.listedN = s.Revision, keys
			o.listedMu.Unlock()
			o.canary.listed(&s, canaries)
			return s, nil
		}
		key = string(append(resp.Kvs[len(resp.Kvs)-1].Key, 0))
	}
}

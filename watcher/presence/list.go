package presence

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// pageSize is how many records each request of List reads.
const pageSize = 500

// List reads every live record under flagPrefix at one revision, which it
// returns, a page at a time; the records are sorted by ID. A value that is
// no record (written by hand, or by a newer version in a form this one
// cannot read) is left out, and the error, joining one per such key, says
// so; the records that could be read are returned with it. Any other error
// returns no records.
func List(ctx context.Context, kv clientv3.KV, flagPrefix string) (records []Record, rev int64, err error) {
	start := Prefix(flagPrefix)
	key, end := start, clientv3.GetPrefixRangeEnd(start)
	var bad []error
	for {
		opts := []clientv3.OpOption{
			clientv3.WithRange(end),
			clientv3.WithLimit(pageSize),
			clientv3.WithSort(clientv3.SortByKey, clientv3.SortAscend),
		}
		if rev != 0 {
			opts = append(opts, clientv3.WithRev(rev))
		}
		resp, err := kv.Get(ctx, key, opts...)
		if err != nil {
			return nil, 0, fmt.Errorf("list presence records under %s: %w", start, err)
		}
		if rev == 0 {
			rev = resp.Header.Revision
		}
		for _, item := range resp.Kvs {
			r, err := Decode(item.Value)
			if err != nil {
				bad = append(bad, fmt.Errorf("%s: %w", item.Key, err))
				continue
			}
			records = append(records, r)
		}
		if !resp.More || len(resp.Kvs) == 0 {
			break
		}
		key = string(append(resp.Kvs[len(resp.Kvs)-1].Key, 0))
	}
	slices.SortFunc(records, func(a, b Record) int { return strings.Compare(a.ID, b.ID) })
	return records, rev, errors.Join(bad...)
}

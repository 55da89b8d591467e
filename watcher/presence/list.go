package presence

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// pageSize is how many keys each request of List reads.
const pageSize = 500

// List reads every live record under flagPrefix at one revision, which it
// returns, a page at a time; the records are sorted by ID. Each record is
// a status key (Prefix) joined with the info key (InfoPrefix) of the same
// id, both read at that revision. A process writes its info in the same
// transaction as its first status, so at any revision a process that has a
// status has its info; a status without one (a process of an older
// version, which wrote its whole record there, or an info deleted by hand)
// is returned as it is, and an info without a status (its process gone, or
// written by hand) is left out. A value that is no record (written by
// hand, or by a newer version in a form this one cannot read) is left out,
// and the error, joining one per such key, says so; the records that could
// be read are returned with it. Any other error returns no records.
func List(ctx context.Context, kv clientv3.KV, flagPrefix string) (records []Record, rev int64, err error) {
	var bad []error
	statuses, rev, err := readRange(ctx, kv, Prefix(flagPrefix), 0, &bad)
	if err != nil {
		return nil, 0, err
	}
	infos, _, err := readRange(ctx, kv, InfoPrefix(flagPrefix), rev, &bad)
	if err != nil {
		return nil, 0, err
	}
	byID := make(map[string]Record, len(infos))
	for _, info := range infos {
		byID[info.ID] = info
	}
	for _, status := range statuses {
		if info, ok := byID[status.ID]; ok {
			status = Join(status, info)
		}
		records = append(records, status)
	}
	slices.SortFunc(records, func(a, b Record) int { return strings.Compare(a.ID, b.ID) })
	return records, rev, errors.Join(bad...)
}

// readRange decodes every value under prefix at rev (0: now, which it
// returns), a page at a time, adding one error per undecodable value to
// bad.
func readRange(ctx context.Context, kv clientv3.KV, prefix string, rev int64, bad *[]error) ([]Record, int64, error) {
	key, end := prefix, clientv3.GetPrefixRangeEnd(prefix)
	var out []Record
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
			return nil, 0, fmt.Errorf("list presence records under %s: %w", prefix, err)
		}
		if rev == 0 {
			rev = resp.Header.Revision
		}
		for _, item := range resp.Kvs {
			r, err := Decode(item.Value)
			if err != nil {
				*bad = append(*bad, fmt.Errorf("%s: %w", item.Key, err))
				continue
			}
			out = append(out, r)
		}
		if !resp.More || len(resp.Kvs) == 0 {
			break
		}
		key = string(append(resp.Kvs[len(resp.Kvs)-1].Key, 0))
	}
	return out, rev, nil
}

package presence

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// pageSize is how many keys each request of Read reads.
const pageSize = 500

// Listing is what Read found under a flag prefix's presence keys at one
// etcd revision.
type Listing struct {
	Records  []Record  // the live processes' records, sorted by ID
	Invalid  []Invalid // the keys holding no record of the process they name, sorted by key
	Revision int64     // the revision read
}

// List reads every live record under flagPrefix at one revision, which it
// returns, as Read does. The keys Read finds invalid are left out, and the
// error, joining one Invalid per such key, says so; the records that could
// be read are returned with it. Any other error returns no records.
func List(ctx context.Context, kv clientv3.KV, flagPrefix string) (records []Record, rev int64, err error) {
	l, err := Read(ctx, kv, flagPrefix)
	if err != nil {
		return nil, 0, err
	}
	bad := make([]error, 0, len(l.Invalid))
	for _, inv := range l.Invalid {
		bad = append(bad, inv)
	}
	return l.Records, l.Revision, errors.Join(bad...)
}

// Read reads every live record under flagPrefix at one revision, a page at
// a time. Each record is a status key (Prefix) joined with the info key
// (InfoPrefix) of the same id, both read at that revision; the id is the
// key's, and a record is taken only under its own key (DecodeKey). A
// process writes its info in the same transaction as its first status, so
// at any revision a process that has a status has its info; a status
// without one (a process of an older version, which wrote its whole record
// there, or an info deleted by hand) is returned as it is, and an info
// without a status (its process gone, or written by hand) is left out. A
// key whose value is no record of the process it names (written by hand,
// by a newer version in a form this one cannot read, or a record of
// another process) is listed in Invalid and not used. The error is etcd's.
func Read(ctx context.Context, kv clientv3.KV, flagPrefix string) (Listing, error) {
	var l Listing
	statuses, rev, err := readRange(ctx, kv, flagPrefix, Prefix(flagPrefix), 0, &l.Invalid)
	if err != nil {
		return Listing{}, err
	}
	infos, _, err := readRange(ctx, kv, flagPrefix, InfoPrefix(flagPrefix), rev, &l.Invalid)
	if err != nil {
		return Listing{}, err
	}
	byID := make(map[string]Record, len(infos))
	for _, info := range infos {
		byID[info.ID] = info
	}
	for _, status := range statuses {
		if info, ok := byID[status.ID]; ok {
			status = Join(status, info)
		}
		l.Records = append(l.Records, status)
	}
	slices.SortFunc(l.Records, func(a, b Record) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(l.Invalid, func(a, b Invalid) int { return strings.Compare(a.Key, b.Key) })
	l.Revision = rev
	return l, nil
}

// readRange decodes every value under prefix (a presence prefix of
// flagPrefix) at rev (0: now, which it returns), a page at a time, adding
// the keys that hold no record of their process to invalid.
func readRange(ctx context.Context, kv clientv3.KV, flagPrefix, prefix string, rev int64, invalid *[]Invalid) ([]Record, int64, error) {
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
			r, err := DecodeKey(flagPrefix, string(item.Key), item.Value)
			if err != nil {
				*invalid = append(*invalid, Invalid{Key: string(item.Key), Err: err})
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

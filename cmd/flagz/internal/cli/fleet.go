package cli

import (
	"context"
	"sort"

	"github.com/flagz-go/flagz/schema"
	"github.com/flagz-go/flagz/watcher/presence"
)

// fleet is the live processes, as their presence records say, read at one
// etcd revision.
type fleet struct {
	records  []presence.Record // sorted by ID
	revision int64
}

// readFleet reads every live process's presence record under the prefix.
func (s *session) readFleet(ctx context.Context) (fleet, error) {
	rctx, cancel := s.request(ctx)
	defer cancel()
	recs, rev, err := presence.List(rctx, s.client, s.g.flagPrefix())
	switch {
	case err != nil && recs == nil:
		return fleet{}, s.etcdError("read the processes' presence under "+presence.Prefix(s.g.flagPrefix()), err)
	case err != nil:
		// Records that do not decode (a newer or broken writer) are left
		// out; the others are good.
		s.warnf("some presence records were left out: %v", err)
	}
	sort.Slice(recs, func(i, j int) bool { return recs[i].ID < recs[j].ID })
	return fleet{records: recs, revision: rev}, nil
}

// schemaOf returns the schema record r publishes for the flag name.
func schemaOf(r presence.Record, name string) (schema.Flag, bool) { return r.Flag(name) }

// rejectionOf returns r's refusal of the flag name if it is of the value
// written at revision rev or a later one, current or already ended by a
// rollback: the write was refused (or superseded by a value that was).
func rejectionOf(r presence.Record, name string, rev int64) (presence.Rejection, bool) {
	return r.Refusal(name, rev)
}

// sensitive reports whether any process marks the flag name sensitive.
func (f fleet) sensitive(name string) bool {
	for _, r := range f.records {
		if s, ok := schemaOf(r, name); ok && s.Sensitive {
			return true
		}
	}
	return false
}

// ids returns the IDs of records.
func ids(records []presence.Record) []string {
	out := make([]string, 0, len(records))
	for _, r := range records {
		out = append(out, r.ID)
	}
	return out
}

// rejects reports whether r lists a rejection of the value of name written
// at revision rev.
func rejects(r presence.Record, name string, rev int64) bool {
	_, ok := rejectionOf(r, name, rev)
	return ok
}

// sensitive reports whether a live process marks the flag name sensitive;
// true also when the processes cannot be read, so that no value shows.
func (s *session) sensitive(ctx context.Context, name string) bool {
	f, err := s.readFleet(ctx)
	return err != nil || f.sensitive(name)
}

package cli

import (
	"context"
	"fmt"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// replayed is the history etcd still holds of some keys.
type replayed struct {
	events map[string][]*clientv3.Event // by key, oldest first
	from   int64                        // the first revision replayed: older history is compacted (1: none is)
	to     int64                        // etcd's revision when the replay began: the last one replayed
}

// replay reads from etcd's own history every write to keys, up to now: a
// watch of each key from revision 1 (or from the oldest revision etcd
// still keeps, after a compaction), followed until etcd says, answering a
// progress request, that the watch has delivered everything up to the
// revision of when the replay began.
func (s *session) replay(ctx context.Context, keys ...string) (replayed, error) {
	rctx, cancel := s.request(ctx)
	resp, err := s.client.Get(rctx, keys[0], clientv3.WithCountOnly())
	cancel()
	if err != nil {
		return replayed{}, s.etcdError("read etcd's revision", err)
	}
	r := replayed{events: map[string][]*clientv3.Event{}, from: 1, to: resp.Header.Revision}
	for i := 0; i < len(keys); i++ {
		events, compacted, err := s.replayKey(ctx, keys[i], r.from, r.to)
		switch {
		case err != nil:
			return replayed{}, err
		case compacted > r.from:
			// Start every key again from the oldest revision etcd keeps,
			// so that they all cover the same revisions.
			r.from, i = compacted, -1
			clear(r.events)
			continue
		case compacted != 0:
			return replayed{}, fmt.Errorf("read the history of %s: etcd says revision %d is compacted, yet keeps it", keys[i], compacted)
		}
		r.events[keys[i]] = events
	}
	return r, nil
}

// replayKey returns the writes to key (with opts: to the range they say)
// from revision from up to to, or the oldest revision etcd keeps when from
// is compacted.
func (s *session) replayKey(ctx context.Context, key string, from, to int64, opts ...clientv3.OpOption) ([]*clientv3.Event, int64, error) {
	wctx, cancel := context.WithTimeout(clientv3.WithRequireLeader(ctx), 4*s.g.commandTimeout)
	defer cancel()
	ch := s.client.Watch(wctx, key, append(opts, clientv3.WithRev(from), clientv3.WithCreatedNotify())...)
	ask := time.NewTicker(50 * time.Millisecond)
	defer ask.Stop()
	var out []*clientv3.Event
	for {
		select {
		case <-wctx.Done():
			return nil, 0, s.etcdError("read the history of "+key, wctx.Err())
		case <-ask.C:
			// etcd answers a progress request only once the watch has
			// caught up with the store: until then, ask again.
			_ = s.client.RequestProgress(wctx)
		case resp, ok := <-ch:
			switch {
			case !ok:
				return nil, 0, s.etcdError("read the history of "+key, fmt.Errorf("the watch closed: %w", wctx.Err()))
			case resp.CompactRevision != 0:
				return nil, resp.CompactRevision, nil
			case resp.Err() != nil:
				return nil, 0, s.etcdError("read the history of "+key, resp.Err())
			}
			for _, ev := range resp.Events {
				if ev.Kv.ModRevision <= to {
					out = append(out, ev)
				}
			}
			if resp.IsProgressNotify() && resp.Header.Revision >= to {
				return out, 0, nil
			}
			if n := len(resp.Events); n > 0 && resp.Events[n-1].Kv.ModRevision >= to {
				return out, 0, nil
			}
		}
	}
}

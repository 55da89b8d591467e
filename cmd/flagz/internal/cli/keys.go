package cli

import (
	"context"
	"strings"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// flagKeys is every flag key under the prefix, read at one revision.
type flagKeys struct {
	byName   map[string]keyView
	revision int64 // etcd's revision when read
	latest   int64 // the largest mod revision among them: the last write still visible
}

// readKeys reads every key <prefix>/<name> (deeper keys are no flag's).
func (s *session) readKeys(ctx context.Context) (flagKeys, error) {
	prefix := s.g.flagPrefix()
	rctx, cancel := s.request(ctx)
	defer cancel()
	resp, err := s.client.Get(rctx, prefix, clientv3.WithPrefix())
	if err != nil {
		return flagKeys{}, s.etcdError("read the flags under "+prefix, err)
	}
	k := flagKeys{byName: map[string]keyView{}, revision: resp.Header.Revision}
	for _, kv := range resp.Kvs {
		name := strings.TrimPrefix(string(kv.Key), prefix)
		if name == "" || strings.Contains(name, "/") {
			continue
		}
		k.byName[name] = newKeyView(name, string(kv.Key), kv, resp.Header.Revision)
		k.latest = max(k.latest, kv.ModRevision)
	}
	return k, nil
}

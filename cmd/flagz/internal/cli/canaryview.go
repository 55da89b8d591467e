package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/flagz-go/flagz/watcher/canary"
	"github.com/flagz-go/flagz/watcher/change"
	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// errUnderCanary: the flag is under a canary, and the write did not say
// --force.
var errUnderCanary = errors.New("the flag is under a canary")

// canaryView is a canary record as the command reads it.
type canaryView struct {
	Key         string `json:"key"`
	ModRevision int64  `json:"mod_revision"` // what a write of the canary compares
	// CreateRevision is the revision of the canary's first stage: a
	// refusal since then is of its value.
	CreateRevision int64 `json:"create_revision"`
	Record         canary.Record
	Err            error // the key holds no canary record of its flag (then only Key is set)
}

// newCanaryView reads kv, a key under the canary prefix.
func (s *session) newCanaryView(kv *mvccpb.KeyValue) canaryView {
	v := canaryView{Key: string(kv.Key), ModRevision: kv.ModRevision, CreateRevision: kv.CreateRevision}
	v.Record, v.Err = canary.DecodeKey(s.g.prefix, v.Key, kv.Value)
	return v
}

// describe says, for people, what the canary is at: "stage 2 of 3 (25%:
// 5 of 20 processes) since 12:00:01, begun 12:00:00 by alice@box".
func (v canaryView) describe() string {
	if v.Err != nil {
		return "an invalid canary record: " + v.Err.Error()
	}
	r := v.Record
	return fmt.Sprintf("stage %d of %d (%s: %d of %d processes) since %s, begun %s by %s",
		r.Stage+1, len(r.Stages), canary.FormatShare(r.Share()), r.Members, r.Live,
		r.StageStarted.Local().Format(time.TimeOnly), r.Started.Local().Format(time.TimeOnly), r.By)
}

// canaryInTheWay is the error of a write refused because the flag name
// has the canary record kv.
func (s *session) canaryInTheWay(name string, kv *mvccpb.KeyValue) error {
	return fmt.Errorf("%w: %s is under a canary, %s; refused, nothing written "+
		"(flagz canary status tells more; flagz canary abort %s ends it; --force writes anyway and ends it)",
		errUnderCanary, name, s.newCanaryView(kv).describe(), name)
}

// readCanary reads the canary record of the flag name; ok false if there
// is none.
func (s *session) readCanary(ctx context.Context, name string) (v canaryView, ok bool, err error) {
	key := canary.Key(s.g.prefix, name)
	rctx, cancel := s.request(ctx)
	defer cancel()
	resp, err := s.client.Get(rctx, key)
	if err != nil {
		return canaryView{}, false, s.etcdError("read "+key, err)
	}
	if len(resp.Kvs) == 0 {
		return canaryView{}, false, nil
	}
	return s.newCanaryView(resp.Kvs[0]), true, nil
}

// readCanaries reads every canary record under the prefix, sorted by key.
func (s *session) readCanaries(ctx context.Context) ([]canaryView, error) {
	prefix := canary.Prefix(s.g.prefix)
	rctx, cancel := s.request(ctx)
	defer cancel()
	resp, err := s.client.Get(rctx, prefix, clientv3.WithPrefix(), clientv3.WithSort(clientv3.SortByKey, clientv3.SortAscend))
	if err != nil {
		return nil, s.etcdError("read the canaries under "+prefix, err)
	}
	out := make([]canaryView, 0, len(resp.Kvs))
	for _, kv := range resp.Kvs {
		out = append(out, s.newCanaryView(kv))
	}
	return out, nil
}

// readChange reads the change record of the flag name (who wrote it
// last, when, why); ok false if there is none, or it cannot be read.
func (s *session) readChange(ctx context.Context, name string) (change.Record, bool) {
	key := change.Key(s.g.prefix, name)
	rctx, cancel := s.request(ctx)
	defer cancel()
	resp, err := s.client.Get(rctx, key)
	if err != nil || len(resp.Kvs) == 0 {
		return change.Record{}, false
	}
	rec, err := change.DecodeKey(s.g.prefix, key, resp.Kvs[0].Value)
	return rec, err == nil
}

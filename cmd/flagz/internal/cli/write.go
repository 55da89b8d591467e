package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/flagz-go/flagz/watcher/canary"
	"github.com/flagz-go/flagz/watcher/change"
	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// noRevision: --if-revision not given.
const noRevision = -1

// errLostRace: the key changed since the revision --if-revision named.
var errLostRace = errors.New("the key changed since the revision given with --if-revision")

// writeResult is what a put or delete did.
type writeResult struct {
	Written  bool  `json:"written"`
	Revision int64 `json:"revision,omitempty"` // the write's revision, what --wait waits for
	Deleted  int64 `json:"deleted,omitempty"`  // keys deleted (del)
	// EndedCanary: the flag was under a canary, which the write (with
	// --force) ended: its processes returned to the flag's key.
	EndedCanary bool `json:"ended_canary,omitempty"`
}

// writeMeta is what a write of the command records beside it, and whether
// it overrides a canary.
type writeMeta struct {
	action string // change.ActionSet, ...
	detail string
	by     authorship
	// force: write even if the flag is under a canary, and end it (its
	// record is deleted in the same transaction).
	force bool
}

// write runs op on the key of name in one transaction, with the change
// record of meta beside it, guarded by the key's mod revision when
// ifRevision is not noRevision (0: the key must not exist), and, unless
// meta.force, by the flag having no canary. On a lost race it returns
// errLostRace and the key as it is now; on a canary, an error wrapping
// errUnderCanary that says whose.
func (s *session) write(ctx context.Context, name string, op clientv3.Op, ifRevision int64, meta writeMeta) (writeResult, keyView, error) {
	key := s.g.flagKey(name)
	canaryKey := canary.Key(s.g.prefix, name)
	rec, err := change.Encode(s.record(meta.by, name, meta.action, meta.detail))
	if err != nil {
		return writeResult{}, keyView{}, err
	}
	var conds []clientv3.Cmp
	if ifRevision != noRevision {
		conds = append(conds, clientv3.Compare(clientv3.ModRevision(key), "=", ifRevision))
	}
	then := []clientv3.Op{op, clientv3.OpPut(change.Key(s.g.prefix, name), string(rec))}
	if meta.force {
		then = append(then, clientv3.OpDelete(canaryKey))
	} else {
		conds = append(conds, clientv3.Compare(clientv3.CreateRevision(canaryKey), "=", 0))
	}
	rctx, cancel := s.request(ctx)
	defer cancel()
	resp, err := s.client.Txn(rctx).If(conds...).Then(then...).Else(clientv3.OpGet(key), clientv3.OpGet(canaryKey)).Commit()
	if err != nil {
		return writeResult{}, keyView{}, s.writeError(key, err)
	}
	if !resp.Succeeded {
		cur := newKeyView(name, key, nil, resp.Header.Revision)
		if kvs := resp.Responses[0].GetResponseRange().Kvs; len(kvs) > 0 {
			cur = newKeyView(name, key, kvs[0], resp.Header.Revision)
		}
		if ifRevision != noRevision && cur.ModRevision != ifRevision {
			return writeResult{}, cur, errLostRace
		}
		if kvs := resp.Responses[1].GetResponseRange().Kvs; len(kvs) > 0 {
			return writeResult{}, cur, s.canaryInTheWay(name, kvs[0])
		}
		return writeResult{}, cur, errLostRace
	}
	res := writeResult{Written: true, Revision: resp.Header.Revision}
	if d := resp.Responses[0].GetResponseDeleteRange(); d != nil {
		res.Deleted = d.Deleted
		res.Written = d.Deleted > 0
	}
	if meta.force {
		res.EndedCanary = resp.Responses[2].GetResponseDeleteRange().Deleted > 0
	}
	return res, keyView{}, nil
}

// writeError explains a failed write. When etcd may have committed it
// without telling (the request timed out, the connection broke), it says
// so: only a read tells.
func (s *session) writeError(key string, err error) error {
	code := status.Code(err)
	if errors.Is(err, context.DeadlineExceeded) || code == codes.DeadlineExceeded || code == codes.Unavailable {
		return fmt.Errorf("%w; etcd may have committed the write before it stopped answering: flagz get tells", s.etcdError("write "+key, err))
	}
	return fmt.Errorf("%w (nothing written)", s.etcdError("write "+key, err))
}

package cli

import (
	"context"
	"errors"
	"fmt"

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
}

// write runs op on the key of name in one transaction, guarded by the key's
// mod revision when ifRevision is not noRevision (0: the key must not
// exist). On a lost race it returns errLostRace and the key as it is now.
func (s *session) write(ctx context.Context, name string, op clientv3.Op, ifRevision int64) (writeResult, keyView, error) {
	key := s.g.flagKey(name)
	rctx, cancel := s.request(ctx)
	defer cancel()
	txn := s.client.Txn(rctx)
	if ifRevision != noRevision {
		txn = txn.If(clientv3.Compare(clientv3.ModRevision(key), "=", ifRevision))
	}
	resp, err := txn.Then(op).Else(clientv3.OpGet(key)).Commit()
	if err != nil {
		return writeResult{}, keyView{}, s.writeError(key, err)
	}
	if !resp.Succeeded {
		cur := newKeyView(name, key, nil, resp.Header.Revision)
		if kvs := resp.Responses[0].GetResponseRange().Kvs; len(kvs) > 0 {
			cur = newKeyView(name, key, kvs[0], resp.Header.Revision)
		}
		return writeResult{}, cur, errLostRace
	}
	res := writeResult{Written: true, Revision: resp.Header.Revision}
	if d := resp.Responses[0].GetResponseDeleteRange(); d != nil {
		res.Deleted = d.Deleted
		res.Written = d.Deleted > 0
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

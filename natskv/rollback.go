package natskv

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/flagz-go/flagz/source"
)

// Before returns what the flag's key held just before its write at
// revision rev, from the key's history in the bucket: the value and
// revision of the write before it, or revision 0 if there was none or it
// was a delete. When the write at rev is no longer in the history, or is
// the oldest of a history the bucket's limit has filled, the answer wraps
// source.ErrHistoryGone. The runtime asks only about writes a listing or
// the watch delivered: the bucket is looked up by then.
func (o *kvOrigin) Before(ctx context.Context, name string, rev int64) (string, int64, error) {
	ctx, cancel := context.WithTimeout(ctx, o.opts.timeout)
	defer cancel()
	history, err := o.kv.History(ctx, o.prefix+Key(name))
	if err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
		return "", 0, err
	}
	for i, e := range history {
		switch {
		case int64(e.Revision()) != rev:
			continue
		case i > 0 && history[i-1].Operation() == jetstream.KeyValuePut:
			return string(history[i-1].Value()), int64(history[i-1].Revision()), nil
		case i > 0 || int64(len(history)) < o.stream.CachedInfo().Config.MaxMsgsPerSubject:
			return "", 0, nil
		}
	}
	return "", 0, fmt.Errorf("%w: revision %d of key %q", source.ErrHistoryGone, rev, o.prefix+Key(name))
}

// WriteBack puts good in the flag's key, or deletes the key when good is
// nil, only while the write at badRev is still the key's latest: Update,
// or Delete with LastRevision, guarded by badRev. It reports whether it
// wrote.
func (o *kvOrigin) WriteBack(ctx context.Context, name string, badRev int64, good *string) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, o.opts.timeout)
	defer cancel()
	var err error
	if good != nil {
		_, err = o.kv.Update(ctx, o.prefix+Key(name), []byte(*good), uint64(badRev))
	} else {
		err = o.kv.Delete(ctx, o.prefix+Key(name), jetstream.LastRevision(uint64(badRev)))
	}
	if errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
		return false, nil
	}
	return err == nil, err
}

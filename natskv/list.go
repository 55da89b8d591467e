package natskv

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/flagz-go/flagz/source"
)

// List reads the last value of every key of the bucket: a watch up to its
// "initial values done" marker. Its revision is the last one the watch
// delivered, or the stream's last sequence read before the watch opened if
// that is later: what lay after the delivered revisions then had been
// removed, and must not count as a gap. JetStream must answer each step
// (looking the bucket up, opening the watch, every next key) within the
// request timeout.
func (o *kvOrigin) List(ctx context.Context) (source.Snapshot, error) {
	rctx, cancel := context.WithTimeout(ctx, o.opts.timeout)
	defer cancel()
	stream, err := o.js.Stream(rctx, "KV_"+o.bucket) // with the stream's state now
	if err != nil {
		return source.Snapshot{}, fmt.Errorf("natskv: bucket %q: %w", o.bucket, err)
	}
	if o.kv, err = o.js.KeyValue(rctx, o.bucket); err != nil {
		return source.Snapshot{}, fmt.Errorf("natskv: bucket %q: %w", o.bucket, err)
	}
	o.stream = stream
	w, stop, err := o.watch(ctx)
	if err != nil {
		return source.Snapshot{}, err
	}
	defer stop()
	snap := source.Snapshot{Revision: int64(stream.CachedInfo().State.LastSeq), Values: map[string]string{}, Versions: map[string]int64{}}
	o.keys = map[string]struct{}{}
	idle := time.NewTimer(o.opts.timeout)
	defer idle.Stop()
	for {
		select {
		case <-ctx.Done():
			return source.Snapshot{}, ctx.Err()
		case <-idle.C:
			return source.Snapshot{}, fmt.Errorf("natskv: listing bucket %q: no answer within %v", o.bucket, o.opts.timeout)
		case e, ok := <-w.Updates():
			switch {
			case !ok:
				return source.Snapshot{}, errors.New("natskv: the watch ended")
			case e == nil:
				return snap, nil
			}
			idle.Reset(o.opts.timeout)
			o.keys[e.Key()] = struct{}{}
			snap.Revision = max(snap.Revision, int64(e.Revision()))
			if name, ok := o.name(e.Key()); ok && e.Operation() == jetstream.KeyValuePut {
				snap.Values[name], snap.Versions[name] = string(e.Value()), int64(e.Revision())
			}
		}
	}
}

// watch opens a watch of the whole bucket, which JetStream must confirm
// within the request timeout, and returns it with the function that ends
// it. That waits until the client has closed the watch's channel (it
// blocks delivering to a full one), and for at most the request timeout
// until it has deleted the watch's consumer (a request that waits 5 s for
// a server that does not answer).
func (o *kvOrigin) watch(ctx context.Context, opts ...jetstream.WatchOpt) (jetstream.KeyWatcher, func(), error) {
	ctx, cancel := context.WithCancel(ctx) // the client ends the watch when ctx ends
	timer := time.AfterFunc(o.opts.timeout, cancel)
	w, err := o.kv.WatchAll(ctx, opts...)
	if timer.Stop(); err != nil {
		cancel()
		return nil, nil, fmt.Errorf("natskv: watching bucket %q (within %v): %w", o.bucket, o.opts.timeout, err)
	}
	return w, func() {
		stopped := make(chan struct{})
		go func() { _ = w.Stop(); close(stopped) }()
		for range w.Updates() {
		}
		select {
		case <-stopped:
		case <-time.After(o.opts.timeout):
		}
		cancel()
	}, nil
}

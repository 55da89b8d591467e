package natskv

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/flagz-go/flagz/source"
)

// Follow watches the whole bucket from the revision after from and reports
// each change of a flag's key. Every revision must arrive, one after the
// other: a jump means that what lay between was removed before the watch
// delivered it (a purge, the history limit, a value's age), and the source
// lists again (source.ErrResync). Each health-check interval it reads the
// bucket's state: no answer within the request timeout, or a revision the
// bucket holds that the watch has not delivered within that timeout (a
// watch stalled after a server restart), ends the watch with an error;
// keys the bucket lost without a revision (a purge), or revisions it went
// back on (a bucket made anew), make it list again.
func (o *kvOrigin) Follow(ctx context.Context, from int64, sink source.Sink) error {
	w, stop, err := o.watch(ctx, jetstream.IncludeHistory(), jetstream.ResumeFromRevision(uint64(from)+1))
	if err != nil {
		return err
	}
	defer stop()
	sink.Serving()
	delivered, owed := uint64(from), uint64(0)
	tick := time.NewTicker(o.opts.interval)
	defer tick.Stop()
	var due <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case e, ok := <-w.Updates():
			switch {
			case !ok:
				return errors.New("natskv: the watch ended")
			case e == nil: // the end of what the bucket held when the watch opened
				continue
			case e.Revision() != delivered+1:
				return fmt.Errorf("%w: the watch went from revision %d to %d: the revisions between were removed", source.ErrResync, delivered, e.Revision())
			}
			delivered = e.Revision()
			o.report(sink, e)
		case <-tick.C:
			rctx, cancel := context.WithTimeout(ctx, o.opts.timeout)
			info, err := o.stream.Info(rctx)
			cancel()
			switch {
			case err != nil:
				return fmt.Errorf("natskv: JetStream did not answer a health check within %v: %w", o.opts.timeout, err)
			case info.State.LastSeq > delivered && due == nil:
				owed, due = info.State.LastSeq, time.After(o.opts.timeout)
			case info.State.LastSeq > delivered: // owed already, and due
			case info.State.LastSeq == delivered && info.State.NumSubjects != uint64(len(o.keys)):
				return fmt.Errorf("%w: the bucket holds %d keys, the watch delivered %d: some were purged", source.ErrResync, info.State.NumSubjects, len(o.keys))
			case info.State.LastSeq < delivered:
				return fmt.Errorf("%w: the bucket went back from revision %d to %d: it was made anew", source.ErrResync, delivered, info.State.LastSeq)
			default:
				sink.Current(int64(delivered))
			}
		case <-due:
			if due = nil; delivered < owed {
				return fmt.Errorf("natskv: the watch is stalled: the bucket holds revision %d, the watch delivered up to %d and nothing more within %v", owed, delivered, o.opts.timeout)
			}
		}
	}
}

// report hands a change to sink; keys outside the prefix are skipped.
func (o *kvOrigin) report(sink source.Sink, e jetstream.KeyValueEntry) {
	o.keys[e.Key()] = struct{}{}
	name, ok := o.name(e.Key())
	switch {
	case !ok:
	case e.Operation() == jetstream.KeyValuePut:
		sink.Update(int64(e.Revision()), map[string]string{name: string(e.Value())})
	default:
		sink.Remove(int64(e.Revision()), name)
	}
}

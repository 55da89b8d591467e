package watcher

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/flagz-go/flagz/source"
	"go.etcd.io/etcd/api/v3/mvccpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc/metadata"
)

var (
	errUnreachable = errors.New("etcd did not answer a health-check read")
	errNoAnswer    = errors.New("etcd did not answer a progress request on the watch")
)

// healthCheck judges, once per health-check interval, whether the watch
// still delivers what etcd holds. Neither a progress request alone nor a
// read alone can judge it, because of how etcd answers:
//
//   - etcd answers a progress request only when every watch on the gRPC
//     stream is synced and the store revision is at or past the watch's
//     start revision (watchableStore.progressIfSync in
//     server/storage/mvcc/watchable_store.go, reached through
//     serverWatchStream.recvLoop's RequestProgressAll in
//     server/etcdserver/api/v3rpc/watch.go; the periodic notifications of
//     WithProgressNotify take the same path). The watch starts at the
//     listing's revision + 1, so while nobody writes, etcd drops every
//     request silently: silence proves nothing on a quiet cluster.
//   - A linearizable read (a Get of one key, count only) is answered
//     whenever the cluster has a leader and the member is reachable, and
//     its header carries the store revision R at the time of the read.
//
// So each check reads R first. A read that fails or times out means etcd
// is unreachable through this client (a stopped server, a cut network, no
// leader), and the watch is abandoned. If R is at most the revision the
// watch has delivered up to (events, progress notifications, or the
// listing), there is nothing the watch could have missed: the source is
// current at that revision, whatever the stream's state, and no progress
// request is sent (etcd would drop it). If R is past it, the store is past
// the watch's start revision, so etcd answers a progress request on a
// healthy watch: one is sent, and if neither it nor an event is answered
// within the request timeout, the stream is dead (a member cut off while
// the read went to another, a stuck stream) and the watch is abandoned.
// A dead stream is thus noticed within an interval and a timeout of the
// first write that it should have delivered, and a quiet etcd stays
// SERVING.
//
// The rule "every watch on the stream" would let another watch on the
// caller's client (one from a future revision, or an unsynced one) silence
// this watch's answers; watchContext gives the watch a gRPC stream of its
// own. While an answer is awaited the request is sent again at each
// interval, since etcd also drops it during the moments the watch is
// unsynced, catching up after its creation.
type healthCheck struct {
	o *etcdOrigin
	// mctx is the context the watch's own derives from: its metadata gives
	// RequestProgress the watch's stream. The check's requests derive from
	// it too, not from the watch's (which then holds no children), and are
	// ended by abandon.
	mctx      context.Context
	sink      source.Sink
	delivered int64 // the revision the watch has delivered up to (events, progress, the listing)
	keys      int64 // keys under the prefix at delivered, -1 if unknown
	answers   int   // responses the watch delivered (events, progress, errors)

	// answerDue fires when a progress request has been awaited for the
	// request timeout; nil while no answer is awaited.
	answerDue <-chan time.Time

	// The check's requests run on a goroutine of their own, one at a time,
	// so that Follow keeps handing events on while etcd takes its time to
	// answer (a linearizable read waits until etcd has applied what it
	// committed before it: under a burst of writes, hundreds of
	// milliseconds). What a request found arrives on outcomes as a function
	// that Follow's goroutine runs, since only that goroutine touches the
	// fields above.
	outcomes    chan func() error  // capacity 1
	checking    bool               // a request runs: its outcome is on its way
	cancelCheck context.CancelFunc // ends the request running
	overdue     bool               // answerDue fired while a request ran: judged after it
}

// tick starts a health check, unless the last one is still running (etcd
// is slow to answer: a second read would only queue behind it).
func (h *healthCheck) tick() {
	if !h.checking {
		h.run(h.probe)
	}
}

// due judges a progress request left unanswered for the request timeout
// (unanswered), after the request running now, if any.
func (h *healthCheck) due() error {
	h.answerDue = nil
	if h.keys < 0 {
		return h.timedOut() // nothing to compare etcd with
	}
	if h.checking {
		h.overdue = true
		return nil
	}
	h.judgeUnanswered()
	return nil
}

// judgeUnanswered starts unanswered with what the watch has delivered now.
func (h *healthCheck) judgeUnanswered() {
	delivered, keys, answers := h.delivered, h.keys, h.answers
	h.run(func(ctx context.Context) func() error { return h.unanswered(ctx, delivered, keys, answers) })
}

// run calls request on a goroutine of its own, with a context bounded by
// the request timeout; its outcome arrives on outcomes.
func (h *healthCheck) run(request func(ctx context.Context) (outcome func() error)) {
	ctx, cancel := withRequestTimeout(h.mctx, h.o.opts.requestTimeout)
	h.checking, h.cancelCheck = true, cancel
	go func() {
		outcome := request(ctx)
		cancel()
		h.outcomes <- outcome
	}()
}

// ended applies the outcome of the request that ran, and returns why the
// watch must be abandoned, or nil.
func (h *healthCheck) ended(outcome func() error) error {
	h.checking = false
	if err := outcome(); err != nil {
		return err
	}
	if h.overdue {
		h.overdue = false
		h.judgeUnanswered()
	}
	return nil
}

// abandon ends the request running, if any, and waits for it: no request
// outlives Follow.
func (h *healthCheck) abandon() {
	if h.checking {
		h.cancelCheck()
		<-h.outcomes
		h.checking = false
	}
}

// probe reads etcd's revision (on the check's goroutine); its outcome
// judges it against what the watch has delivered by then.
func (h *healthCheck) probe(ctx context.Context) (outcome func() error) {
	rev, err := h.storeRevision(ctx)
	return func() error {
		switch {
		case err != nil:
			return fmt.Errorf("%w within %v: %w", errUnreachable, h.o.opts.requestTimeout, err)
		case rev <= h.delivered:
			h.answerDue, h.overdue = nil, false
			h.sink.Current(h.delivered)
			return nil
		}
		return h.requestProgress()
	}
}

// requestProgress sends a progress request on the watch's stream and,
// unless an answer is awaited already, awaits one for the request timeout.
// It runs on Follow's goroutine, while the watch is open: the client makes
// a new stream for a request whose stream is gone.
func (h *healthCheck) requestProgress() error {
	o := h.o
	ctx, cancel := withRequestTimeout(h.mctx, o.opts.requestTimeout)
	defer cancel()
	// The client blocks while it reconnects the stream (when no event
	// could arrive anyway), hence the timeout.
	if err := o.client.RequestProgress(ctx); err != nil {
		return fmt.Errorf("%w: %w", errNoAnswer, err)
	}
	if h.answerDue == nil {
		h.answerDue = time.After(o.opts.requestTimeout)
	}
	return nil
}

// answered records that the watch delivered something (an event, a
// progress notification, an error): the stream is alive.
func (h *healthCheck) answered() {
	h.answerDue, h.overdue = nil, false
	h.answers++
}

// timedOut is the error of a progress request left unanswered.
func (h *healthCheck) timedOut() error {
	return fmt.Errorf("%w within %v", errNoAnswer, h.o.opts.requestTimeout)
}

// counted keeps keys in step with an event the watch delivered.
func (h *healthCheck) counted(ev *clientv3.Event) {
	switch {
	case h.keys < 0:
	case ev.Type == mvccpb.DELETE:
		h.keys--
	case ev.Kv.Version == 1: // a put that created the key
		h.keys++
	}
}

// unanswered judges a progress request left unanswered for the request
// timeout (on the check's goroutine). etcd's gRPC proxy never answers one
// (its watchProxyStream drops the request), so before giving the watch up
// it asks etcd, in one linearizable read at one revision R, whether
// anything under the prefix changed after delivered: how many keys there
// are, and how many were written after delivered. If none was written and
// the count is keys, the one the watch knows, the prefix at R is what the
// watch delivered (a put leaves a key written after delivered, a delete
// changes the count, a put then delete of a new key leaves nothing to
// miss): the source is current at R and the watch is kept. Otherwise the
// watch missed something and is abandoned. A watch that delivered anything
// meanwhile is alive, whatever the read found.
func (h *healthCheck) unanswered(ctx context.Context, delivered, keys int64, answers int) (outcome func() error) {
	o := h.o
	resp, err := o.client.Txn(ctx).Then(
		clientv3.OpGet(o.keyPrefix, clientv3.WithPrefix(), clientv3.WithCountOnly()),
		// Not count-only: etcd filters by revision after counting.
		clientv3.OpGet(o.keyPrefix, clientv3.WithPrefix(), clientv3.WithKeysOnly(), clientv3.WithMinModRev(delivered+1)),
	).Commit()
	return func() error {
		switch {
		case h.answers != answers:
			return nil
		case err != nil:
			return fmt.Errorf("%w within %v: %w", errUnreachable, o.opts.requestTimeout, err)
		}
		total := resp.Responses[0].GetResponseRange().Count
		written := len(resp.Responses[1].GetResponseRange().Kvs)
		if total != keys || written != 0 {
			return h.timedOut()
		}
		h.delivered = max(h.delivered, resp.Header.Revision)
		h.sink.Current(h.delivered)
		return nil
	}
}

// storeRevision returns etcd's current revision, read linearizably: a
// count-only Get of the prefix key itself (one index lookup, no value, in
// the range the caller's credentials already allow reading).
func (h *healthCheck) storeRevision(ctx context.Context) (int64, error) {
	resp, err := h.o.client.Get(ctx, h.o.keyPrefix, clientv3.WithCountOnly())
	if err != nil {
		return 0, err
	}
	return resp.Header.Revision, nil
}

// watchStreams numbers watchers, so that each has a gRPC stream of its own.
var watchStreams atomic.Uint64

// watchContext returns the context of the watcher's watch and progress
// requests: etcd must know a leader, and the watch gets a gRPC stream of
// its own. The client shares one stream among the watches whose contexts
// carry the same outgoing metadata (streamKeyFromCtx in
// client/v3/watch.go), and etcd answers a progress request only when
// every watch of the stream allows it (see healthCheck).
//
// It is clientv3.WithRequireLeader with one more key, at the cost of the
// fewest allocations: appended pairs when the caller set no metadata (no
// map held for the life of the watch), else one copy of the caller's map.
func (o *etcdOrigin) watchContext(ctx context.Context) context.Context {
	md, ok := metadata.FromOutgoingContext(ctx)
	if !ok {
		return metadata.AppendToOutgoingContext(ctx,
			rpctypes.MetadataRequireLeaderKey, rpctypes.MetadataHasLeader,
			watchStreamKey, o.stream)
	}
	md = md.Copy()
	md.Set(rpctypes.MetadataRequireLeaderKey, rpctypes.MetadataHasLeader)
	md.Set(watchStreamKey, o.stream)
	return metadata.NewOutgoingContext(ctx, md)
}

// watchStreamKey is the metadata key that gives a watcher's watch a gRPC
// stream of its own.
const watchStreamKey = "flagz-watch-stream"

func newStreamID() string { return strconv.FormatUint(watchStreams.Add(1), 10) }

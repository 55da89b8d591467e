package watcher

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/flagz-go/flagz/source"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// presenceWriter keeps one presence record in etcd under a lease, in two
// keys: the status (key), written on every change, and the info (infoKey),
// written with the first status under a lease and again only when its
// version changes. Whoever
// changes what the record says calls changed, which never blocks: the
// writer runs on a goroutine of its own and, latest wins, writes the record
// as it is when it gets to it, so changes made while a write is on its way
// cost one more write in all. It runs from the watcher's Start to its
// Stop (run), as the runtime's background task.
type presenceWriter struct {
	client      *clientv3.Client
	key         string // the status key
	infoKey     string
	ttl         int64 // seconds
	timeout     time.Duration
	backoff     *source.Backoff // between failed writes
	spread      time.Duration   // a change's write waits between spread/2 and spread (0: not at all)
	log         *slog.Logger
	build       func() ([]byte, error) // the status
	infoVersion func() uint64          // the info's version as the last build left it
	info        func() ([]byte, error) // the info's value now

	poke chan struct{} // capacity 1: a pending write

	// refresh is how often the status is written at least, changes or
	// not: a record older than that (and a margin) tells a reader that the
	// process cannot publish it (presence.Record.Stale).
	refresh time.Duration
	// problem reports the writer's failures (err not nil) and its
	// successes (nil) as the source's problem ProblemPresence.
	problem func(err error)

	writes atomic.Int64 // successful writes, for tests
}

// changed asks for the record to be written again.
func (p *presenceWriter) changed() {
	select {
	case p.poke <- struct{}{}:
	default: // a write is pending already: it will include this change
	}
}

// leaseState is the writer's lease. It is renewed with one short
// keep-alive request every third of its TTL (as clientv3's KeepAlive
// does), not with a keep-alive stream: a process holds no stream, lessor
// or goroutine for its presence between renewals.
type leaseState struct {
	id   clientv3.LeaseID
	ttl  int64  // seconds, as etcd granted it (it may raise what was asked)
	info uint64 // the version of the info written under the lease (0: none)
}

// run writes the record, and keeps it under a lease, until ctx ends; then it
// revokes the lease, deleting the record.
func (p *presenceWriter) run(ctx context.Context) {
	l := &leaseState{}
	defer p.release(l)
	renew := time.NewTimer(p.renewEvery(l))
	defer renew.Stop()
	refresh := time.NewTimer(earlier(p.refresh))
	defer refresh.Stop()
	dirty := true
	var retry, settle <-chan time.Time
	for {
		if dirty && retry == nil && settle == nil {
			granted := l.id == 0
			if err := p.write(ctx, l); err != nil {
				if ctx.Err() != nil {
					return
				}
				p.problem(fmt.Errorf("presence record %s not written (tools waiting for this process see it as not answering); retrying: %w", p.key, err))
				retry = time.After(p.backoff.Next())
			} else {
				p.problem(nil)
				dirty = false
				p.backoff.Reset()
				refresh.Reset(earlier(p.refresh))
			}
			if granted && l.id != 0 {
				renew.Reset(p.renewEvery(l))
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-p.poke:
			if !dirty && p.spread > 0 {
				// Spread: the processes that took the change do not all
				// write to etcd at the instant it fans the change out to
				// the others, and changes until then share one write.
				settle = time.After(between(p.spread/2, p.spread))
			}
			dirty = true
		case <-settle:
			settle = nil
		case <-renew.C:
			next := p.renewEvery(l)
			switch err := p.keepAlive(ctx, l); {
			case err == nil:
			case ctx.Err() != nil:
				return // the lease is still there to revoke
			case errors.Is(err, rpctypes.ErrLeaseNotFound):
				p.drop(l) // expired (etcd was away longer than the TTL): grant a new one
				dirty = true
			default: // etcd did not answer: try again sooner, while the lease lasts
				p.log.Debug("flagz watcher: presence lease not renewed; trying again", "key", p.key, "error", err)
				next /= 2
			}
			renew.Reset(next)
		case <-retry:
			retry = nil
		case <-refresh.C:
			dirty = true // written again, changed or not: its Updated tells it is current
		}
	}
}

// renewEvery is when the lease is renewed next: within a third of its TTL,
// at a random point of that third's last fifth, so that processes
// started (or given new leases, after an outage) at the same instant do
// not renew together, in one burst against etcd, for as long as they run.
func (p *presenceWriter) renewEvery(l *leaseState) time.Duration {
	return earlier(time.Duration(cmp.Or(l.ttl, p.ttl)) * time.Second / 3)
}

// keepAlive renews the lease, if there is one.
func (p *presenceWriter) keepAlive(ctx context.Context, l *leaseState) error {
	if l.id == 0 {
		return nil
	}
	rctx, cancel := withRequestTimeout(ctx, p.timeout)
	defer cancel()
	_, err := p.client.KeepAliveOnce(rctx, l.id)
	return err
}

// write grants a lease if there is none, and puts the status under it,
// with the info in the same transaction if the lease has not got this
// version of it: a status is never without its info, and a change that
// leaves the info as it was costs one small put.
func (p *presenceWriter) write(ctx context.Context, l *leaseState) error {
	value, err := p.build()
	if err != nil {
		return err
	}
	if l.id == 0 {
		if err := p.grant(ctx, l); err != nil {
			return err
		}
	}
	rctx, cancel := withRequestTimeout(ctx, p.timeout)
	defer cancel()
	version := p.infoVersion()
	if version == l.info {
		_, err = p.client.Put(rctx, p.key, string(value), clientv3.WithLease(l.id))
	} else {
		var info []byte
		if info, err = p.info(); err != nil {
			return err
		}
		_, err = p.client.Txn(rctx).Then(
			clientv3.OpPut(p.infoKey, string(info), clientv3.WithLease(l.id)),
			clientv3.OpPut(p.key, string(value), clientv3.WithLease(l.id)),
		).Commit()
	}
	if errors.Is(err, rpctypes.ErrLeaseNotFound) {
		p.drop(l) // expired while etcd was away: the next attempt grants a new one
	}
	if err == nil {
		l.info = version
		p.writes.Add(1)
	}
	return err
}

func (p *presenceWriter) grant(ctx context.Context, l *leaseState) error {
	rctx, cancel := withRequestTimeout(ctx, p.timeout)
	defer cancel()
	resp, err := p.client.Grant(rctx, p.ttl)
	if err != nil {
		return err
	}
	l.id, l.ttl = resp.ID, resp.TTL
	return nil
}

// drop forgets the lease, which etcd no longer has (or soon will not).
func (p *presenceWriter) drop(l *leaseState) {
	l.id, l.ttl, l.info = 0, 0, 0
}

// release revokes the lease, deleting both keys, within a short bound (a
// lease left behind expires after its TTL anyway).
func (p *presenceWriter) release(l *leaseState) {
	if l.id != 0 {
		ctx, cancel := withRequestTimeout(context.Background(), min(p.timeout, time.Second))
		if _, err := p.client.Revoke(ctx, l.id); err != nil {
			p.log.Debug("flagz watcher: presence lease not revoked; it expires by itself", "key", p.key, "error", err)
		}
		cancel()
	}
	p.drop(l)
}

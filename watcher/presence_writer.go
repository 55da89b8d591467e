package watcher

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

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
// cost one more write in all.
type presenceWriter struct {
	client   *clientv3.Client
	key      string // the status key
	infoKey  string
	ttl      int64 // seconds
	timeout  time.Duration
	min, max time.Duration // retry backoff
	log      *slog.Logger
	build    func() ([]byte, error)  // the status
	info     func() ([]byte, uint64) // the info as the last build left it, and its version

	poke chan struct{} // capacity 1: a pending write

	life   sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}

	writes atomic.Int64 // successful writes, for tests
}

// changed asks for the record to be written again.
func (p *presenceWriter) changed() {
	select {
	case p.poke <- struct{}{}:
	default: // a write is pending already: it will include this change
	}
}

// start runs the writer until ctx ends or stop is called.
func (p *presenceWriter) start(ctx context.Context) {
	p.life.Lock()
	defer p.life.Unlock()
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	p.cancel, p.done = cancel, done
	go func() {
		defer close(done)
		p.run(ctx)
	}()
}

// running reports whether the writer runs (its context has not ended).
func (p *presenceWriter) running() bool {
	p.life.Lock()
	defer p.life.Unlock()
	if p.done == nil {
		return false
	}
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// stop ends the writer, which revokes its lease (deleting the record), and
// waits for it.
func (p *presenceWriter) stop() {
	p.life.Lock()
	defer p.life.Unlock()
	if p.cancel == nil {
		return
	}
	p.cancel()
	<-p.done
	p.cancel, p.done = nil, nil
}

// leaseState is the writer's lease, granted by a lessor of its own so that
// stopping leaves none of the client's keep-alive goroutines behind.
type leaseState struct {
	lessor    clientv3.Lease
	id        clientv3.LeaseID
	keepAlive <-chan *clientv3.LeaseKeepAliveResponse
	cancel    context.CancelFunc
	info      uint64 // the version of the info written under the lease (0: none)
}

func (p *presenceWriter) run(ctx context.Context) {
	l := &leaseState{lessor: clientv3.NewLease(p.client)}
	defer p.release(l)
	dirty := true
	var retry <-chan time.Time
	delay := p.min
	failing := false
	for {
		if dirty && retry == nil {
			if err := p.write(ctx, l); err != nil {
				if ctx.Err() != nil {
					return
				}
				if !failing {
					p.log.Warn("flagz watcher: presence record not written; retrying", "key", p.key, "error", err)
				}
				failing = true
				retry = time.After(jitter(delay))
				delay = min(2*delay, p.max)
			} else {
				if failing {
					p.log.Info("flagz watcher: presence record written again", "key", p.key)
				}
				failing, dirty, delay = false, false, p.min
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-p.poke:
			dirty = true
		case _, ok := <-l.keepAlive:
			switch {
			case ok:
			case ctx.Err() != nil:
				return // closed by the end of ctx: the lease is still there to revoke
			default: // the lease expired or could not be kept alive
				p.drop(l)
				dirty = true
			}
		case <-retry:
			retry = nil
		}
	}
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
	info, version := p.info()
	if l.id == 0 {
		if err := p.grant(ctx, l); err != nil {
			return err
		}
	}
	rctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	if version == l.info {
		_, err = p.client.Put(rctx, p.key, string(value), clientv3.WithLease(l.id))
	} else {
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
	rctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	resp, err := l.lessor.Grant(rctx, p.ttl)
	if err != nil {
		return err
	}
	kctx, kcancel := context.WithCancel(ctx)
	ch, err := l.lessor.KeepAlive(kctx, resp.ID)
	if err != nil {
		kcancel()
		return err
	}
	l.id, l.keepAlive, l.cancel = resp.ID, ch, kcancel
	return nil
}

// drop forgets the lease, which etcd no longer has (or soon will not).
func (p *presenceWriter) drop(l *leaseState) {
	if l.cancel != nil {
		l.cancel()
	}
	l.id, l.keepAlive, l.cancel, l.info = 0, nil, nil, 0
}

// release revokes the lease, deleting both keys, within a short bound (a
// lease left behind expires after its TTL anyway), and closes the lessor.
func (p *presenceWriter) release(l *leaseState) {
	if l.id != 0 {
		ctx, cancel := context.WithTimeout(context.Background(), min(p.timeout, time.Second))
		if _, err := l.lessor.Revoke(ctx, l.id); err != nil {
			p.log.Debug("flagz watcher: presence lease not revoked; it expires by itself", "key", p.key, "error", err)
		}
		cancel()
	}
	p.drop(l)
	l.lessor.Close()
}

// jitter returns d give or take a fifth.
func jitter(d time.Duration) time.Duration {
	return d*4/5 + time.Duration(rand.Int64N(int64(d)*2/5+1))
}

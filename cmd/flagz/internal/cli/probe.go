package cli

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc/connectivity"
)

// etcd's client says only that time ran out when it cannot connect (no
// listener, no such host, a certificate it does not trust): it keeps
// trying until the request's deadline. So beside it, the command connects
// to every endpoint once itself, as the client would (TCP or a unix
// socket, TLS when the client uses it, then GET /version, which etcd
// answers on its client URLs), and keeps why each failed. When every
// endpoint failed for a reason that stops the client too, the requests end
// at once with those reasons; otherwise an error names the endpoints that
// failed and why.

// endpointCheck is what connecting to one endpoint found.
type endpointCheck struct {
	endpoint string
	done     bool
	err      error // nil: it answered
	// definite: err stops etcd's client too (no connection, no TLS); a
	// check that only failed to get an HTTP answer is a hint.
	definite bool
}

// prober checks the endpoints in the background.
type prober struct {
	mu     sync.Mutex
	checks []endpointCheck
	left   int

	// down is cancelled, with an *unreachableError as cause, once every
	// endpoint failed definitely while etcd's client holds no connection.
	down    context.Context
	setDown context.CancelCauseFunc
	client  atomic.Pointer[clientv3.Client]
	stop    context.CancelFunc
	wg      sync.WaitGroup
}

// startProbe checks every endpoint, each within timeout (--dial-timeout),
// speaking TLS with tlsConfig when it is not nil.
func startProbe(parent context.Context, endpoints []string, tlsConfig *tls.Config, timeout time.Duration) *prober {
	ctx, stop := context.WithCancel(parent)
	p := &prober{checks: make([]endpointCheck, len(endpoints)), left: len(endpoints), stop: stop}
	p.down, p.setDown = context.WithCancelCause(context.Background())
	for i, ep := range endpoints {
		p.checks[i].endpoint = ep
		p.wg.Go(func() {
			p.finish(i, checkEndpoint(ctx, parseEndpoint(ep), tlsConfig, timeout))
		})
	}
	return p
}

// watch tells the prober the client, whose live connection, if it has
// one, overrules the checks.
func (p *prober) watch(c *clientv3.Client) { p.client.Store(c) }

// close stops the checks still running and waits for them.
func (p *prober) close() {
	p.stop()
	p.wg.Wait()
}

func (p *prober) finish(i int, c endpointCheck) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c.endpoint, c.done, c.definite = p.checks[i].endpoint, true, c.err != nil && c.definite
	p.checks[i] = c
	p.left--
	if p.left > 0 {
		return
	}
	for _, c := range p.checks {
		if !c.definite {
			return
		}
	}
	if c := p.client.Load(); c != nil && c.ActiveConnection().GetState() == connectivity.Ready {
		return
	}
	p.setDown(&unreachableError{checks: append([]endpointCheck(nil), p.checks...)})
}

// downErr returns why no endpoint can be reached, or nil (also for a nil
// prober).
func (p *prober) downErr() error {
	if p == nil {
		return nil
	}
	var u *unreachableError
	if errors.As(context.Cause(p.down), &u) {
		return u
	}
	return nil
}

// failures says which endpoints failed so far and why, as "; EP: why"
// for each, or "" when none did (or p is nil).
func (p *prober) failures() string {
	if p == nil {
		return ""
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var b strings.Builder
	for _, c := range p.checks {
		switch {
		case !c.done:
			fmt.Fprintf(&b, "; %s: no answer yet", c.endpoint)
		case c.err != nil:
			fmt.Fprintf(&b, "; %s: %v", c.endpoint, c.err)
		}
	}
	return b.String()
}

// unreachableError: no endpoint can be reached, each for a reason.
type unreachableError struct{ checks []endpointCheck }

func (u *unreachableError) Error() string {
	parts := make([]string, 0, len(u.checks))
	for _, c := range u.checks {
		parts = append(parts, fmt.Sprintf("%s: %v", c.endpoint, c.err))
	}
	if len(parts) == 1 {
		return "cannot reach etcd at " + parts[0]
	}
	return "cannot reach etcd at any endpoint: " + strings.Join(parts, "; ")
}

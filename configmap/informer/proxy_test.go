package informer_test

import (
	"io"
	"net"
	"sync"
	"testing"
)

// proxy relays TCP connections on loopback to the API server. Cutting it
// closes its connections and its listening socket, so clients see what they
// see when the API server is down: connection refused.
type proxy struct {
	t      testing.TB
	addr   string
	target string
	wg     sync.WaitGroup

	mu    sync.Mutex
	l     net.Listener // nil while cut
	conns map[net.Conn]struct{}
	held  bool // new connections are taken and never relayed
}

func newProxy(t testing.TB, target string) *proxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{t: t, addr: l.Addr().String(), target: target, conns: map[net.Conn]struct{}{}}
	p.serve(l)
	t.Cleanup(func() {
		p.cut()
		p.wg.Wait()
	})
	return p
}

func (p *proxy) serve(l net.Listener) {
	p.l = l
	p.wg.Go(func() { p.accept(l) })
}

// cut closes the listener and every relayed connection.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.l != nil {
		p.l.Close()
		p.l = nil
	}
	for c := range p.conns {
		c.Close()
	}
}

// hold closes every relayed connection and takes new ones without relaying
// them, until release: requests are sent and never answered, as over a
// network that drops packets.
func (p *proxy) hold() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.held = true
	for c := range p.conns {
		c.Close()
	}
}

// release relays new connections again, and closes those held.
func (p *proxy) release() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.held = false
	for c := range p.conns {
		c.Close()
	}
}

// restore listens again on the same address.
func (p *proxy) restore() {
	p.t.Helper()
	l, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.serve(l)
}

// open counts the connections the proxy relays now.
func (p *proxy) open() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.conns)
}

// track registers c, or reports false when the proxy was cut meanwhile.
func (p *proxy) track(l net.Listener, c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.l != l {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *proxy) accept(l net.Listener) {
	for {
		in, err := l.Accept()
		if err != nil {
			return
		}
		if p.holding(l, in) {
			continue
		}
		out, err := net.Dial("tcp", p.target)
		if err != nil {
			in.Close()
			continue
		}
		if !p.track(l, in) || !p.track(l, out) {
			in.Close()
			out.Close()
			continue
		}
		p.wg.Go(func() { p.relay(out, in) })
		p.wg.Go(func() { p.relay(in, out) })
	}
}

// holding keeps in unanswered, reporting true, while the proxy holds.
func (p *proxy) holding(l net.Listener, in net.Conn) bool {
	p.mu.Lock()
	held := p.held
	p.mu.Unlock()
	if !held {
		return false
	}
	if !p.track(l, in) {
		in.Close()
		return true
	}
	p.wg.Go(func() { // until release or cut closes it
		_, _ = io.Copy(io.Discard, in)
		in.Close()
		p.mu.Lock()
		delete(p.conns, in)
		p.mu.Unlock()
	})
	return true
}

func (p *proxy) relay(dst, src net.Conn) {
	_, _ = io.Copy(dst, src)
	dst.Close()
	src.Close()
	p.mu.Lock()
	delete(p.conns, src)
	delete(p.conns, dst)
	p.mu.Unlock()
}

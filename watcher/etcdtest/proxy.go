package etcdtest

import (
	"io"
	"net"
	"sync"
	"testing"
)

// Proxy forwards loopback TCP connections to an etcd member and can cut
// the network between its clients and the member while the member keeps
// running: a partition, as opposed to a stopped server.
type Proxy struct {
	target string
	l      net.Listener

	mu    sync.Mutex
	cut   bool
	held  chan struct{} // non-nil while held: closed by Restore
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

// NewProxy starts a proxy to the member s on a loopback port picked at run
// time, and closes it when the test ends.
func NewProxy(t testing.TB, s *Server) *Proxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("etcdtest: proxy listen: %v", err)
	}
	p := &Proxy{target: s.client.Host, l: l, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	return p
}

// Endpoint returns the proxy's URL, to use as a client endpoint.
func (p *Proxy) Endpoint() string { return "http://" + p.l.Addr().String() }

// Cut closes every forwarded connection and refuses new ones until Restore.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	for c := range p.conns {
		c.Close()
	}
}

// Hold closes every forwarded connection and, until Restore, takes new
// ones without forwarding them: requests are sent and never answered, as
// over a network that drops packets (Cut refuses them instead).
func (p *Proxy) Hold() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.held == nil {
		p.held = make(chan struct{})
	}
	for c := range p.conns {
		c.Close()
	}
}

// Restore forwards new connections again, and closes those held.
func (p *Proxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = false
	if p.held != nil {
		close(p.held)
		p.held = nil
	}
}

func (p *Proxy) close() {
	p.l.Close()
	p.Restore() // lets the held connections go
	p.Cut()
	p.wg.Wait()
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		in, err := p.l.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go p.forward(in)
	}
}

func (p *Proxy) forward(in net.Conn) {
	defer p.wg.Done()
	if !p.track(in) {
		in.Close()
		return
	}
	defer p.untrack(in)
	if held := p.holding(); held != nil {
		<-held // what the client sends stays unread, unanswered
		return
	}
	out, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	if !p.track(out) {
		out.Close()
		return
	}
	defer p.untrack(out)
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		io.Copy(dst, src)
		// Closing both ends stops the other direction too.
		dst.Close()
		src.Close()
		done <- struct{}{}
	}
	go pipe(out, in)
	go pipe(in, out)
	<-done
	<-done
}

// track registers a live connection, or reports false when the proxy is cut.
func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cut {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

// holding returns the channel Restore closes, or nil when not held.
func (p *Proxy) holding() chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.held
}

func (p *Proxy) untrack(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c.Close()
	delete(p.conns, c)
}

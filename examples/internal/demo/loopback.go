package demo

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
)

// ErrNotLoopback is why LoopbackOnly refuses a request.
var ErrNotLoopback = errors.New("the flag setter accepts requests from loopback only")

// LoopbackOnly is the demo's authorizer for the /debug/flagz setter: it
// lets through requests whose TCP peer is a loopback address (127.0.0.0/8,
// ::1), that is, someone on the same machine, and refuses the rest.
//
// It looks at the connection, not at headers such as X-Forwarded-For, which
// any caller can write. Behind a reverse proxy on the same machine every
// request would look local: a real service puts its own authentication
// here instead.
func LoopbackOnly(r *http.Request) error {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return fmt.Errorf("%w: cannot read the peer address %q: %w", ErrNotLoopback, r.RemoteAddr, err)
	}
	addr, err := netip.ParseAddr(host)
	if err != nil || !addr.Unmap().IsLoopback() {
		return fmt.Errorf("%w: peer is %s", ErrNotLoopback, host)
	}
	return nil
}

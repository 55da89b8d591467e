package debug

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
)

// WithAllowedHosts names the hosts, besides localhost and IP addresses, by
// which the setter may be addressed: the names a deployment is reached by
// (such as "flags.internal.example.com"), compared with the request's Host
// header without its port, ignoring case. Each call adds to the list.
//
// The setter refuses, with 403 Forbidden, every request whose Host is
// another name: a page on a name its attacker controls can make that name
// resolve to this server (DNS rebinding) and then post as its own origin,
// which the cross-origin checks accept. IP addresses and localhost cannot
// be rebound. The page, when the setter is on, lists the names allowed.
func WithAllowedHosts(hosts ...string) Option {
	return func(h *handler) {
		for _, host := range hosts {
			if host = canonicalHost(host); host != "" && !slices.Contains(h.hosts, host) {
				h.hosts = append(h.hosts, host)
			}
		}
	}
}

// allowedHosts are the names, beyond localhost and IP addresses, the setter
// may be addressed by.
type allowedHosts []string

// check returns why the setter refuses a request with the Host header
// hostHeader, or nil.
func (a allowedHosts) check(hostHeader string) error {
	host := canonicalHost(hostHeader)
	if host == "localhost" || slices.Contains(a, host) {
		return nil
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return nil
	}
	if host == "" {
		return fmt.Errorf("the request names no Host; the setter answers requests addressed to localhost or an IP address")
	}
	return fmt.Errorf("the Host %q is not allowed: the setter answers requests addressed to localhost, an IP address "+
		"or a name given to debug.WithAllowedHosts (a guard against DNS rebinding); "+
		"to reach it by this name, add debug.WithAllowedHosts(%q) to the handler's options", hostHeader, host)
}

// canonicalHost returns the host of a Host header or of a name given to
// WithAllowedHosts: without port, brackets or trailing dot, in lower case.
func canonicalHost(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	return strings.ToLower(strings.TrimSuffix(host, "."))
}

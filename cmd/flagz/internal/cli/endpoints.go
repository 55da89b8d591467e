package cli

import (
	"net"
	"net/url"
	"path"
	"strings"
)

// endpoint is where one etcd client URL of --endpoints leads, as etcd's
// client reads it: http://host:port and https://host:port, host:port, or
// unix://path and unixs://path for a socket.
type endpoint struct {
	raw        string
	network    string // "tcp" or "unix"
	address    string // host:port, or the socket's path
	serverName string // the name etcd's certificate must hold
	scheme     string // "http", "https", "unix", "unixs", or "" for host:port
}

// parseEndpoint reads ep as etcd's client does (client/v3's
// internal/endpoint).
func parseEndpoint(ep string) endpoint {
	e := endpoint{raw: ep, network: "tcp", address: ep}
	switch {
	case strings.HasPrefix(ep, "unix:") || strings.HasPrefix(ep, "unixs:"):
		// unix:///abs/path, unix://relative/path and unix:relative/path.
		scheme, rest, _ := strings.Cut(ep, ":")
		e.address = strings.TrimPrefix(rest, "//")
		e.network, e.scheme, e.serverName = "unix", scheme, path.Base(e.address)
		return e
	case strings.Contains(ep, "://"):
		u, err := url.Parse(ep)
		if err == nil {
			e.scheme, e.address = u.Scheme, u.Host
		}
	}
	e.serverName = e.address
	if host, _, err := net.SplitHostPort(e.address); err == nil {
		e.serverName = host
	}
	return e
}

// hasCredentials reports whether ep holds a user or password before its
// host (http://user:pass@host:2379, user@host:2379), which etcd's client
// drops without a word.
func hasCredentials(ep string) bool {
	if strings.HasPrefix(ep, "unix:") || strings.HasPrefix(ep, "unixs:") {
		return false
	}
	rest := ep
	if _, after, ok := strings.Cut(ep, "://"); ok {
		rest = after
	}
	authority, _, _ := strings.Cut(rest, "/")
	return strings.Contains(authority, "@")
}

// usesTLS reports whether etcd's client speaks TLS to the endpoints:
// the first endpoint's scheme decides for all of them (https and unixs
// always, http never, otherwise when TLS flags are given).
func usesTLS(endpoints []string, tlsFlags bool) bool {
	switch parseEndpoint(endpoints[0]).scheme {
	case "https", "unixs":
		return true
	case "http":
		return false
	}
	return tlsFlags
}

// checkEndpoints refuses endpoints the client would misread: credentials
// in a URL (dropped by the client; the error does not repeat them), and
// http:// beside https:// (the first endpoint's scheme decides for all).
func checkEndpoints(endpoints []string) error {
	schemes := map[string]bool{}
	for i, ep := range endpoints {
		if hasCredentials(ep) {
			return usagef("--endpoints (or %s): endpoint %d of %d has a user or password before its host, "+
				"which etcd's client ignores (not shown here): give the user with --user and the password with %s "+
				"(or --password), and the endpoint without them", EnvEndpoints, i+1, len(endpoints), EnvPassword)
		}
		switch s := parseEndpoint(ep).scheme; s {
		case "http", "https":
			schemes[s] = true
		}
	}
	if schemes["http"] && schemes["https"] {
		return usagef("--endpoints mixes http:// and https://: etcd's client speaks the first endpoint's protocol to all of them")
	}
	return nil
}

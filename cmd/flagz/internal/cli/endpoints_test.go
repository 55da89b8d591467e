package cli

import "testing"

// Endpoints are read as etcd's client reads them: where to connect, the
// name a certificate must hold, whether the client speaks TLS (the first
// endpoint's scheme decides), and whether a URL holds credentials.
func TestParseEndpoint(t *testing.T) {
	for _, c := range []struct {
		ep, network, address, serverName string
		credentials                      bool
	}{
		{"127.0.0.1:2379", "tcp", "127.0.0.1:2379", "127.0.0.1", false},
		{"http://etcd-0.etcd:2379", "tcp", "etcd-0.etcd:2379", "etcd-0.etcd", false},
		{"https://[::1]:2379", "tcp", "[::1]:2379", "::1", false},
		{"unix:///run/etcd.sock", "unix", "/run/etcd.sock", "etcd.sock", false},
		{"unixs://etcd.sock:2379", "unix", "etcd.sock:2379", "etcd.sock:2379", false},
		{"unix:local.sock", "unix", "local.sock", "local.sock", false},
		{"unix:///run/a@b.sock", "unix", "/run/a@b.sock", "a@b.sock", false},
		{"http://user:pass@h:2379", "tcp", "h:2379", "h", true},
		{"https://user@h:2379/", "tcp", "h:2379", "h", true},
		{"user:pass@h:2379", "tcp", "user:pass@h:2379", "user:pass@h:2379", true},
		{"http://h:2379/path@x", "tcp", "h:2379", "h", false},
	} {
		e := parseEndpoint(c.ep)
		if e.network != c.network || e.address != c.address || e.serverName != c.serverName || hasCredentials(c.ep) != c.credentials {
			t.Errorf("%s: %s %s server name %s, credentials %v; want %s %s %s, %v", c.ep, e.network, e.address, e.serverName,
				hasCredentials(c.ep), c.network, c.address, c.serverName, c.credentials)
		}
	}
	for _, c := range []struct {
		endpoints []string
		tlsFlags  bool
		want      bool
	}{
		{[]string{"127.0.0.1:2379"}, false, false},
		{[]string{"127.0.0.1:2379"}, true, true},
		{[]string{"https://h:2379"}, false, true},
		{[]string{"http://h:2379"}, true, false},
		{[]string{"unixs:///s"}, false, true},
		{[]string{"unix:///s"}, true, true},
		{[]string{"h:1", "https://h:2"}, false, false},
	} {
		if got := usesTLS(c.endpoints, c.tlsFlags); got != c.want {
			t.Errorf("usesTLS(%v, TLS flags %v) = %v, want %v", c.endpoints, c.tlsFlags, got, c.want)
		}
	}
}

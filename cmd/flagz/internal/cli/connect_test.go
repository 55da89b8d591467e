//go:debug netdns=go

package cli

import (
	"net"
	"strings"
	"testing"
)

// closedAddr returns a loopback address nothing listens at.
func closedAddr(t *testing.T) string {
	t.Helper()
	return freeAddr(t) // the listener that found it is closed
}

// silentListener returns the address of a TCP listener that never accepts:
// connections complete (the kernel queues them) and nothing answers, as a
// port of something that is not etcd.
func silentListener(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l.Addr().String()
}

// An endpoint that cannot be reached is named with the reason, not only
// that time ran out, and at once: the command timeout here is an hour.
// Nothing is written.
func TestUnreachableEndpointSaysWhy(t *testing.T) {
	refused := closedAddr(t)
	for _, c := range []struct {
		endpoint string
		why      string
	}{
		{refused, "connection refused: nothing listens at " + refused},
		{"http://" + refused, "connection refused"},
		{"no-such-host..test:2379", `no such host "no-such-host..test" (DNS)`},
	} {
		for _, args := range [][]string{{"ls"}, {"get", "rate"}, {"set", "rate", "5", "--force"}, {"del", "rate", "--force"}, {"status"}} {
			r := flagzAt(t, []string{c.endpoint}, append(args, "--command-timeout=1h")...)
			want(t, r, ExitFailed, "cannot reach etcd at "+c.endpoint, c.why)
			if args[0] == "set" {
				want(t, r, ExitFailed, "nothing written")
			}
		}
	}
	// With --user, the client authenticates while it connects: the reason
	// comes from there.
	r := flagzAt(t, []string{refused}, "get", "rate", "--user=root:secret", "--command-timeout=1h", "--dial-timeout=1h")
	want(t, r, ExitFailed, "cannot reach etcd at "+refused, "connection refused")
	// Every endpoint is named with its own reason.
	r = flagzAt(t, []string{refused, "no-such-host..test:2379"}, "ls", "--command-timeout=1h")
	want(t, r, ExitFailed, "cannot reach etcd at any endpoint", refused+": connection refused", "no-such-host..test:2379: no such host")
}

// One endpoint down among live ones does not stop the command; when a
// request does time out, the error names the endpoints that failed and
// why, beside the timeout.
func TestSomeEndpointsDown(t *testing.T) {
	srv, c := etcd(t)
	put(t, c, "greeting", "hello")
	refused := closedAddr(t)
	want(t, flagzAt(t, []string{refused, srv.Endpoint()}, "get", "greeting"), ExitOK, "greeting = hello")

	silent := silentListener(t)
	r := flagzAt(t, []string{refused, silent}, "get", "greeting", "--dial-timeout=100ms", "--command-timeout=3s")
	want(t, r, ExitFailed, "did not answer within 3s (--command-timeout)", refused+": connection refused",
		silent+": connected, but no HTTP answer to GET /version within 100ms")
}

// A user or password in an endpoint URL, which etcd's client drops
// silently, is refused (exit 2) without being repeated; so is http:// beside
// https://, and a user without a password.
func TestEndpointCredentialsRefused(t *testing.T) {
	const secret = "hunter2"
	for _, eps := range [][]string{
		{"http://root:" + secret + "@127.0.0.1:2379"},
		{"127.0.0.1:2379", "https://root:" + secret + "@127.0.0.1:2380"},
		{"root:" + secret + "@127.0.0.1:2379"},
		{"http://" + secret + "@127.0.0.1:2379/"},
	} {
		r := flagzAt(t, eps, "ls")
		want(t, r, ExitUsage, "has a user or password before its host", "--user", EnvPassword)
		if strings.Contains(r.stdout+r.stderr, secret) {
			t.Errorf("--endpoints %v: the output repeats the credentials:\n%v", eps, r)
		}
	}
	t.Setenv(EnvEndpoints, "http://root:"+secret+"@127.0.0.1:2379")
	r := runArgs(t, "ls", "--prefix="+testPrefix)
	want(t, r, ExitUsage, "endpoint 1 of 1 has a user or password", EnvEndpoints)
	if strings.Contains(r.stdout+r.stderr, secret) {
		t.Errorf("%s: the output repeats the credentials:\n%v", EnvEndpoints, r)
	}
	want(t, flagzAt(t, []string{"http://127.0.0.1:2379", "https://127.0.0.1:2380"}, "ls"), ExitUsage, "mixes http:// and https://")
	want(t, flagzAt(t, []string{"127.0.0.1:2379"}, "ls", "--user=root"), ExitUsage, "--user root has no password", EnvPassword)
}

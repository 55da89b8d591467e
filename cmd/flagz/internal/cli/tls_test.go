package cli

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.etcd.io/etcd/client/pkg/v3/transport"
	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"
)

// With --cacert, --cert and --key the command talks to an etcd that
// requires client certificates; without them, or with
// --insecure-skip-tls-verify but no client certificate, it is refused.
func TestTLS(t *testing.T) {
	dir := t.TempDir()
	ca := newCA(t, dir)
	serverCert, serverKey := ca.issue(t, dir, "server", x509.ExtKeyUsageServerAuth)
	clientCert, clientKey := ca.issue(t, dir, "client", x509.ExtKeyUsageClientAuth)
	endpoint := startTLSEtcd(t, serverCert, serverKey, ca.file)

	tlsArgs := []string{"--cacert=" + ca.file, "--cert=" + clientCert, "--key=" + clientKey}
	want(t, flagzAt(t, []string{endpoint}, append(tlsArgs, "set", "greeting", "over tls", "--force")...), ExitOK, "greeting = over tls")
	want(t, flagzAt(t, []string{endpoint}, append(tlsArgs, "get", "greeting")...), ExitOK, "greeting = over tls")
	want(t, flagzAt(t, []string{endpoint}, "get", "greeting", "--command-timeout=500ms"), ExitFailed, endpoint)
	want(t, flagzAt(t, []string{endpoint}, "get", "greeting", "--insecure-skip-tls-verify", "--command-timeout=500ms"), ExitFailed, endpoint)
}

// Each way TLS can fail is named, at once (the command timeout is an
// hour), against a real etcd with certificates made here: a server
// certificate of an unknown CA, of another name or expired; no client
// certificate, or one of an unknown CA; plain TCP to a TLS port, and TLS
// to a plain one. With the right flags the same etcd answers.
func TestTLSFailuresSayWhy(t *testing.T) {
	dir := t.TempDir()
	ca := newCA(t, dir)
	serverCert, serverKey := ca.issue(t, dir, "server", x509.ExtKeyUsageServerAuth)
	clientCert, clientKey := ca.issue(t, dir, "client", x509.ExtKeyUsageClientAuth)
	endpoint := startTLSEtcd(t, serverCert, serverKey, ca.file)
	hostPort := strings.TrimPrefix(endpoint, "https://")
	_, port, _ := net.SplitHostPort(hostPort)

	otherDir := t.TempDir()
	other := newCA(t, otherDir)
	otherCert, otherKey := other.issue(t, otherDir, "client", x509.ExtKeyUsageClientAuth)

	expiredDir := t.TempDir()
	expiredCert, expiredKey := ca.issue(t, expiredDir, "server", x509.ExtKeyUsageServerAuth, func(c *x509.Certificate) {
		c.NotBefore, c.NotAfter = time.Now().Add(-2*time.Hour), time.Now().Add(-time.Hour)
	})
	expired := startTLSEtcd(t, expiredCert, expiredKey, ca.file)

	plain, _ := etcd(t)

	good := []string{"--cacert=" + ca.file, "--cert=" + clientCert, "--key=" + clientKey}
	for _, c := range []struct {
		what     string
		endpoint string
		args     []string
		why      string
	}{
		{"no --cacert", endpoint, nil, "signed by an authority flagz does not trust: give its CA with --cacert"},
		{"no client certificate", endpoint, []string{"--cacert=" + ca.file}, "it wants a client certificate it trusts (--cert and --key)"},
		{"no client certificate, not verifying", endpoint, []string{"--insecure-skip-tls-verify"}, "it wants a client certificate it trusts"},
		{"a client certificate of another CA", endpoint, []string{"--cacert=" + ca.file, "--cert=" + otherCert, "--key=" + otherKey},
			"it wants a client certificate it trusts"},
		{"another name", "https://localhost:" + port, good, "etcd's certificate is not for localhost"},
		{"expired", expired, good, "etcd's certificate is not valid"},
		{"plain TCP to TLS", "http://" + hostPort, nil, "it speaks TLS, and flagz spoke plain TCP: use https://"},
		{"plain TCP to TLS, no scheme", hostPort, nil, "it speaks TLS"},
		{"TLS to plain TCP", strings.TrimPrefix(plain.Endpoint(), "http://"), good, "it does not speak TLS: use http://"},
	} {
		r := flagzAt(t, []string{c.endpoint}, append([]string{"get", "greeting", "--command-timeout=1h"}, c.args...)...)
		if r.code != ExitFailed || !strings.Contains(r.stderr, "cannot reach etcd at "+c.endpoint) || !strings.Contains(r.stderr, c.why) {
			t.Errorf("%s: want exit 1 saying %q\n%v", c.what, c.why, r)
		}
	}
	want(t, flagzAt(t, []string{endpoint}, append(good, "set", "greeting", "over tls", "--force")...), ExitOK, "greeting = over tls")
	want(t, flagzAt(t, []string{hostPort}, append(good, "get", "greeting")...), ExitOK, "greeting = over tls")
}

// --user name:password (or --user and --password) authenticates; a wrong
// password is a clear error.
func TestAuth(t *testing.T) {
	srv, c := etcd(t)
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	defer cancel()
	for _, step := range []func() error{
		func() error { _, err := c.UserAdd(ctx, "root", "secret"); return err },
		func() error { _, err := c.UserGrantRole(ctx, "root", "root"); return err },
		func() error { _, err := c.AuthEnable(ctx); return err },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	eps := []string{srv.Endpoint()}
	slow := "--dial-timeout=20s" // the client authenticates while it dials: bcrypt, slow under -race
	want(t, flagzAt(t, eps, slow, "set", "greeting", "authed", "--force", "--user=root:secret"), ExitOK, "greeting = authed")
	want(t, flagzAt(t, eps, slow, "get", "greeting", "--user=root", "--password=secret"), ExitOK, "greeting = authed")
	// The write records the etcd user as its author, and apart from an
	// author given by hand.
	want(t, flagzAt(t, eps, slow, "history", "greeting", "--user=root:secret"), ExitOK, "root")
	want(t, flagzAt(t, eps, slow, "set", "greeting", "again", "--force", "--user=root:secret", "--author=ann"), ExitOK)
	want(t, flagzAt(t, eps, slow, "history", "greeting", "--user=root:secret"), ExitOK, "ann (etcd user root)")
	want(t, flagzAt(t, eps, slow, "get", "greeting", "--user=root:wrong"), ExitFailed, "as user root", "authentication failed")
	want(t, flagzAt(t, eps, slow, "get", "greeting"), ExitFailed, "user name is empty")
}

type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	file string
}

func newCA(t *testing.T, dir string) *testCA {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "flagz test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	file := filepath.Join(dir, "ca.pem")
	writeFile(t, file, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	return &testCA{cert: cert, key: key, file: file}
}

// issue writes a certificate for 127.0.0.1 signed by the CA and its key;
// edit changes the certificate's template first.
func (ca *testCA) issue(t *testing.T, dir, name string, usage x509.ExtKeyUsage, edit ...func(*x509.Certificate)) (certFile, keyFile string) {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	for _, e := range edit {
		e(tmpl)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, name+".pem"), filepath.Join(dir, name+"-key.pem")
	writeFile(t, certFile, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	writeFile(t, keyFile, string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})))
	return certFile, keyFile
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// startTLSEtcd starts an embedded etcd whose client URL is https and
// requires a client certificate signed by caFile.
func startTLSEtcd(t *testing.T, certFile, keyFile, caFile string) string {
	t.Helper()
	return startEmbeddedEtcd(t, "https", func(cfg *embed.Config) {
		cfg.ClientTLSInfo = transport.TLSInfo{CertFile: certFile, KeyFile: keyFile, TrustedCAFile: caFile, ClientCertAuth: true}
	})
}

// startEmbeddedEtcd starts an embedded etcd with the client URL scheme
// (http or https) and what configure sets, and returns its client URL.
func startEmbeddedEtcd(t *testing.T, scheme string, configure func(*embed.Config)) string {
	t.Helper()
	cfg := embed.NewConfig()
	cfg.Dir = t.TempDir()
	client := url.URL{Scheme: scheme, Host: freeAddr(t)}
	peer := url.URL{Scheme: "http", Host: freeAddr(t)}
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{client}, []url.URL{client}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{peer}, []url.URL{peer}
	cfg.InitialCluster = cfg.Name + "=" + peer.String()
	cfg.TickMs, cfg.ElectionMs, cfg.UnsafeNoFsync = 10, 50, true
	cfg.LogLevel = "error"
	cfg.ZapLoggerBuilder = embed.NewZapLoggerBuilder(zap.NewNop())
	configure(cfg)
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	select {
	case <-e.Server.ReadyNotify():
	case <-time.After(testTimeout):
		t.Fatal("etcd not ready")
	}
	return client.String()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

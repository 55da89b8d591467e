package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// session is one run of a command: its global flags, its output and its
// etcd client.
type session struct {
	g      *globals
	stdout io.Writer
	stderr io.Writer
	client *clientv3.Client
	warned map[string]bool // the presence keys warnInvalid has warned of
}

// newSession checks the global flags and connects to etcd. The client
// dials in the background: an unreachable etcd shows as the first
// request's error, bounded by --command-timeout.
func newSession(g *globals, stdout, stderr io.Writer) (*session, error) {
	if err := g.check(); err != nil {
		return nil, err
	}
	tlsConfig, err := g.tlsConfig()
	if err != nil {
		return nil, err
	}
	c, err := clientv3.New(clientv3.Config{
		Endpoints:   g.endpoints,
		DialTimeout: g.dialTimeout,
		TLS:         tlsConfig,
		Username:    g.user,
		Password:    g.password,
		Logger:      zap.NewNop(),
	})
	if err != nil {
		who := ""
		if g.user != "" {
			who = " as user " + g.user
		}
		return nil, fmt.Errorf("connect to etcd at %s%s (--dial-timeout %v): %w", strings.Join(g.endpoints, ","), who, g.dialTimeout, err)
	}
	return &session{g: g, stdout: stdout, stderr: stderr, client: c}, nil
}

func (s *session) close() { s.client.Close() }

// request bounds one etcd request by --command-timeout.
func (s *session) request(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.g.commandTimeout)
}

// etcdError explains a failed etcd request: what was asked, of which
// endpoints, and why.
func (s *session) etcdError(what string, err error) error {
	eps := strings.Join(s.g.endpoints, ",")
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: etcd at %s did not answer within %v (--command-timeout): %w", what, eps, s.g.commandTimeout, err)
	}
	return fmt.Errorf("%s: etcd at %s: %w", what, eps, err)
}

// json reports whether the output is JSON.
func (s *session) json() bool { return s.g.output == outputJSON }

// printJSON writes v as indented JSON on stdout.
func (s *session) printJSON(v any) error {
	enc := json.NewEncoder(s.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// tlsConfig builds the client's TLS configuration from the TLS flags, or
// returns nil for plain connections. An https:// endpoint alone uses TLS
// with the system's roots.
func (g *globals) tlsConfig() (*tls.Config, error) {
	https := false
	for _, ep := range g.endpoints {
		https = https || strings.HasPrefix(ep, "https://")
	}
	if g.cacert == "" && g.cert == "" && !g.insecureTLS && !https {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: g.insecureTLS} //nolint:gosec // asked for by --insecure-skip-tls-verify
	if g.cacert != "" {
		pem, err := os.ReadFile(g.cacert)
		if err != nil {
			return nil, fmt.Errorf("--cacert: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--cacert %s: no PEM certificate in it", g.cacert)
		}
		cfg.RootCAs = pool
	}
	if g.cert != "" {
		pair, err := tls.LoadX509KeyPair(g.cert, g.key)
		if err != nil {
			return nil, fmt.Errorf("--cert/--key: %w", err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}

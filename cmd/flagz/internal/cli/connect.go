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

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
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
	probe  *prober         // why an endpoint cannot be reached, found beside the client
	warned map[string]bool // the presence keys warnInvalid has warned of
}

// newSession checks the global flags and connects to etcd. The client
// dials in the background: an unreachable etcd shows as the first
// request's error, bounded by --command-timeout, or at once when the
// prober finds that no endpoint can be reached and why.
func newSession(ctx context.Context, g *globals, stdout, stderr io.Writer) (*session, error) {
	if err := g.check(); err != nil {
		return nil, err
	}
	tlsConfig, err := g.tlsConfig()
	if err != nil {
		return nil, err
	}
	var probeTLS *tls.Config // TLS as the client speaks it
	if usesTLS(g.endpoints, tlsConfig != nil) {
		probeTLS = tlsConfig
		if probeTLS == nil {
			probeTLS = &tls.Config{MinVersion: tls.VersionTLS12} // unixs:// without TLS flags: the system's roots
		}
	}
	probe := startProbe(ctx, g.endpoints, probeTLS, g.dialTimeout)
	c, err := clientv3.New(clientv3.Config{
		Endpoints:   g.endpoints,
		DialTimeout: g.dialTimeout,
		TLS:         tlsConfig,
		Username:    g.user,
		Password:    g.password,
		Logger:      zap.NewNop(),
		Context:     probe.down, // with --user, New authenticates: it stops once no endpoint can be reached
	})
	if err != nil {
		probe.close()
		if down := probe.downErr(); down != nil {
			return nil, fmt.Errorf("connect: %w", down)
		}
		who := ""
		if g.user != "" {
			who = " as user " + g.user
		}
		return nil, fmt.Errorf("connect to etcd at %s%s (--dial-timeout %v): %w%s%s", strings.Join(g.endpoints, ","), who,
			g.dialTimeout, err, authHint(err), probe.failures())
	}
	probe.watch(c)
	return &session{g: g, stdout: stdout, stderr: stderr, client: c, probe: probe}, nil
}

func (s *session) close() {
	if s.probe != nil {
		s.probe.close()
	}
	s.client.Close()
}

// request bounds one etcd request by --command-timeout, and ends it at
// once when the prober finds that no endpoint can be reached.
func (s *session) request(ctx context.Context) (context.Context, context.CancelFunc) {
	if s.probe == nil {
		return context.WithTimeout(ctx, s.g.commandTimeout)
	}
	ctx, cancelCause := context.WithCancelCause(ctx)
	stop := context.AfterFunc(s.probe.down, func() { cancelCause(context.Cause(s.probe.down)) })
	ctx, cancel := context.WithTimeout(ctx, s.g.commandTimeout)
	return ctx, func() {
		cancel()
		stop()
		cancelCause(nil)
	}
}

// etcdError explains a failed etcd request: what was asked, of which
// endpoints, and why: the endpoints' own failures (connection refused, no
// such host, TLS) when the prober found them.
func (s *session) etcdError(what string, err error) error {
	if down := s.probe.downErr(); down != nil {
		return fmt.Errorf("%s: %w", what, down)
	}
	eps := strings.Join(s.g.endpoints, ",")
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: etcd at %s did not answer within %v (--command-timeout): %w%s", what, eps, s.g.commandTimeout,
			err, s.probe.failures())
	}
	return fmt.Errorf("%s: etcd at %s: %w%s", what, eps, err, authHint(err))
}

// authHint says what to do about an error of etcd's authentication, or
// returns "".
func authHint(err error) string {
	switch {
	case errors.Is(err, rpctypes.ErrAuthFailed):
		return " (check --user and the password, --password or " + EnvPassword + ")"
	case errors.Is(err, rpctypes.ErrUserEmpty), errors.Is(err, rpctypes.ErrInvalidAuthToken):
		return " (etcd has authentication on: give --user and the password with " + EnvPassword + " or --password)"
	case errors.Is(err, rpctypes.ErrPermissionDenied):
		return " (the user lacks a permission on these keys: see etcdctl role grant-permission)"
	}
	return ""
}

// json reports whether the output is JSON.
func (s *session) json() bool { return s.g.output == outputJSON }

// wide reports whether text output shows every column (-o wide).
func (s *session) wide() bool { return s.g != nil && s.g.output == outputWide }

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

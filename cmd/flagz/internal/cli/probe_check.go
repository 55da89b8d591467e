package cli

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"
)

// checkEndpoint connects to ep and asks it GET /version. Its err is nil
// if an HTTP answer came, or says why not, and definite tells whether that
// reason stops etcd's client too. A check the caller cancelled finds
// nothing.
func checkEndpoint(parent context.Context, ep endpoint, tlsConfig *tls.Config, timeout time.Duration) endpointCheck {
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()
	conn, err := dial(ctx, ep)
	if err != nil {
		if parent.Err() != nil {
			return endpointCheck{}
		}
		return endpointCheck{err: dialError(ep, err, timeout), definite: true}
	}
	defer conn.Close()
	if tlsConfig != nil {
		cfg := tlsConfig.Clone()
		if cfg.ServerName == "" {
			cfg.ServerName = ep.serverName
		}
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			if parent.Err() != nil {
				return endpointCheck{}
			}
			if (errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)) && answersPlain(ctx, ep) {
				return endpointCheck{err: errNotTLS, definite: true}
			}
			// Refused for want of ALPN, which the client (gRPC) offers and
			// the check does not: no reason the client fails.
			definite := !(isRemoteAlert(err) && strings.Contains(err.Error(), "no application protocol"))
			return endpointCheck{err: tlsError(ep, err, timeout), definite: definite}
		}
		conn = tc
	}
	err = askVersion(conn, ep)
	switch {
	case err == nil, parent.Err() != nil:
		return endpointCheck{}
	case isRemoteAlert(err) && strings.Contains(err.Error(), "certificate"):
		return endpointCheck{err: fmt.Errorf("etcd refused the TLS connection (%w): it wants a client certificate it trusts (--cert and --key)", err), definite: true}
	case isRemoteAlert(err):
		return endpointCheck{err: fmt.Errorf("etcd refused the TLS connection: %w", err), definite: true}
	case isTimeout(err):
		return endpointCheck{err: fmt.Errorf("connected, but no HTTP answer to GET /version within %v: is it etcd's client URL?", timeout)}
	case tlsConfig == nil && speaksTLS(ctx, ep):
		return endpointCheck{err: errors.New("it speaks TLS, and flagz spoke plain TCP: use https:// (and --cacert with its CA)"), definite: true}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET):
		return endpointCheck{err: errors.New("it takes connections and closes them without an answer (a proxy cut off from etcd?)")}
	default:
		return endpointCheck{err: fmt.Errorf("connected, but GET /version failed: %w", err)}
	}
}

// dial connects to ep within ctx; the connection is closed if ctx ends.
func dial(ctx context.Context, ep endpoint) (net.Conn, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, ep.network, ep.address)
	if err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	return conn, nil
}

// askVersion sends GET /version on conn and reads the answer's head.
func askVersion(conn net.Conn, ep endpoint) error {
	host := ep.address
	if ep.network == "unix" {
		host = "localhost"
	}
	if _, err := fmt.Fprintf(conn, "GET /version HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", host); err != nil {
		return err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// answersPlain reports whether ep answers GET /version in plain TCP.
func answersPlain(ctx context.Context, ep endpoint) bool {
	conn, err := dial(ctx, ep)
	if err != nil {
		return false
	}
	defer conn.Close()
	return askVersion(conn, ep) == nil
}

// errNotTLS: the endpoint speaks plain TCP and the client TLS.
var errNotTLS = errors.New("TLS: it does not speak TLS: use http:// (and no --cacert, --cert or --insecure-skip-tls-verify)")

// speaksTLS reports whether ep completes a TLS handshake (its certificate
// not verified: this only tells what it speaks).
func speaksTLS(ctx context.Context, ep endpoint) bool {
	conn, err := dial(ctx, ep)
	if err != nil {
		return false
	}
	defer conn.Close()
	err = tls.Client(conn, &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}).HandshakeContext(ctx) //nolint:gosec // only to tell whether it speaks TLS
	return err == nil || isRemoteAlert(err)
}

// dialError says why a connection to ep failed.
func dialError(ep endpoint, err error, timeout time.Duration) error {
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return fmt.Errorf("no such host %q (DNS)", dnsErr.Name)
	case errors.As(err, &dnsErr):
		return fmt.Errorf("DNS lookup failed: %w", err)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("connection refused: nothing listens at %s", ep.address)
	case ep.network == "unix" && errors.Is(err, syscall.ENOENT):
		return fmt.Errorf("no socket at %s", ep.address)
	case isTimeout(err):
		return fmt.Errorf("no connection within %v (--dial-timeout): the host is down, a firewall drops the packets, or the address is wrong", timeout)
	}
	return fmt.Errorf("cannot connect: %w", err)
}

// tlsError says why the TLS handshake with ep failed.
func tlsError(ep endpoint, err error, timeout time.Duration) error {
	var (
		unknownCA   x509.UnknownAuthorityError
		badHost     x509.HostnameError
		invalid     x509.CertificateInvalidError
		notTLS      tls.RecordHeaderError
		verifyError *tls.CertificateVerificationError
	)
	switch {
	case errors.As(err, &unknownCA):
		return errors.New("TLS: etcd's certificate is signed by an authority flagz does not trust: give its CA with --cacert")
	case errors.As(err, &badHost):
		return fmt.Errorf("TLS: etcd's certificate is not for %s: %w", ep.serverName, err)
	case errors.As(err, &invalid):
		return fmt.Errorf("TLS: etcd's certificate is not valid: %w", err)
	case errors.As(err, &verifyError):
		return fmt.Errorf("TLS: etcd's certificate: %w", err)
	case errors.As(err, &notTLS):
		return errNotTLS
	case isRemoteAlert(err) && strings.Contains(err.Error(), "certificate"):
		return fmt.Errorf("TLS: etcd refused the handshake (%w): it wants a client certificate it trusts (--cert and --key)", err)
	case isRemoteAlert(err):
		return fmt.Errorf("TLS: etcd refused the handshake: %w", err)
	case isTimeout(err):
		return fmt.Errorf("TLS: no handshake within %v (--dial-timeout)", timeout)
	}
	return fmt.Errorf("TLS: %w", err)
}

// isRemoteAlert reports whether err is a TLS alert the other side sent.
func isRemoteAlert(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "remote error"
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

package embedetcd

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sync"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"
)

// StartTimeout bounds how long Start waits for the server to be ready.
const StartTimeout = 30 * time.Second

// Server is an embedded single-member etcd server.
type Server struct {
	etcd     *embed.Etcd
	dir      string
	endpoint string
	close    sync.Once
}

// Start starts an etcd server on loopback, with its data in a new
// temporary directory, and waits until it serves clients. Port 0 in the
// URLs lets the kernel pick free ports, so nothing can take them between
// choosing and binding.
func Start(ctx context.Context) (*Server, error) {
	dir, err := os.MkdirTemp("", "flagz-demo-etcd-")
	if err != nil {
		return nil, fmt.Errorf("embedded etcd: %w", err)
	}
	loopback := url.URL{Scheme: "http", Host: "127.0.0.1:0"}
	cfg := embed.NewConfig()
	cfg.Name = "flagz-demo"
	cfg.Dir = dir
	cfg.ListenClientUrls = []url.URL{loopback}
	cfg.AdvertiseClientUrls = []url.URL{loopback}
	cfg.ListenPeerUrls = []url.URL{loopback}
	cfg.AdvertisePeerUrls = []url.URL{loopback}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.TickMs, cfg.ElectionMs = 10, 50 // one member: elect itself at once
	cfg.LogLevel = "error"
	cfg.ZapLoggerBuilder = embed.NewZapLoggerBuilder(zap.NewNop())

	e, err := embed.StartEtcd(cfg)
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("embedded etcd: start: %w", err)
	}
	s := &Server{etcd: e, dir: dir, endpoint: "http://" + e.Clients[0].Addr().String()}

	timer := time.NewTimer(StartTimeout)
	defer timer.Stop()
	select {
	case <-e.Server.ReadyNotify():
		return s, nil
	case err = <-e.Err():
	case <-ctx.Done():
		err = ctx.Err()
	case <-timer.C:
		err = errors.New("not ready after " + StartTimeout.String())
	}
	s.Close()
	return nil, fmt.Errorf("embedded etcd: %w", err)
}

// Endpoint returns the URL clients connect to, such as
// http://127.0.0.1:40123.
func (s *Server) Endpoint() string { return s.endpoint }

// Dir returns the data directory, removed by Close.
func (s *Server) Dir() string { return s.dir }

// Close stops the server and removes its data directory. Close clients
// (and so their watches) first: etcd waits for open streams. Calling it
// again does nothing.
func (s *Server) Close() {
	s.close.Do(func() {
		s.etcd.Close()
		os.RemoveAll(s.dir)
	})
}

package etcdtest

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"
)

// readyTimeout bounds how long a member may take to join its cluster.
const readyTimeout = 30 * time.Second

// Server is one embedded etcd member. Its data directory and ports stay the
// same across Stop and Restart.
type Server struct {
	t       testing.TB // nil for a server made by New
	name    string
	dir     string
	client  url.URL
	peer    url.URL
	cluster string // initial-cluster: every member's name=peerURL

	mu sync.Mutex
	e  *embed.Etcd // nil while stopped
}

// Start starts a single-member etcd server for the test and stops it when
// the test ends. It fails the test if the server does not come up.
func Start(t testing.TB) *Server {
	t.Helper()
	var s *Server
	for attempt := 1; ; attempt++ {
		s = newMember(t, "m0", t.TempDir(), mustFreePort(t), mustFreePort(t))
		s.cluster = s.name + "=" + s.peer.String()
		err := s.launch()
		if err == nil {
			break
		}
		// Another process may take a port between freePort and etcd's
		// listen: pick new ones.
		if !portTaken(err) || attempt == launchAttempts {
			t.Fatalf("etcdtest: %v", err)
		}
	}
	t.Cleanup(s.Stop)
	if err := s.awaitReady(); err != nil {
		t.Fatalf("etcdtest: %v", err)
	}
	return s
}

// New starts a single-member etcd server outside a test (in an Example,
// a benchmark's setup, a demo), in a new temporary directory. Close stops
// it and removes the directory. Restart panics if the server cannot start
// again.
func New() (*Server, error) {
	dir, err := os.MkdirTemp("", "etcdtest-")
	if err != nil {
		return nil, fmt.Errorf("etcdtest: %w", err)
	}
	var s *Server
	for attempt := 1; ; attempt++ {
		clientPort, err := freePort()
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		peerPort, err := freePort()
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		s = newMember(nil, "m0", dir, clientPort, peerPort)
		s.cluster = s.name + "=" + s.peer.String()
		err = s.launch()
		if err == nil {
			break
		}
		// As in Start: a port taken meanwhile by another process. The
		// next attempt starts from an empty data directory again.
		if !portTaken(err) || attempt == launchAttempts {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("etcdtest: %w", err)
		}
		if err := os.RemoveAll(dir); err != nil {
			return nil, fmt.Errorf("etcdtest: %w", err)
		}
		if err := os.Mkdir(dir, 0o700); err != nil {
			return nil, fmt.Errorf("etcdtest: %w", err)
		}
	}
	if err := s.awaitReady(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("etcdtest: %w", err)
	}
	return s, nil
}

// launchAttempts bounds how often Start picks new ports after finding one
// taken.
const launchAttempts = 5

// portTaken reports whether a launch failed because a port was taken.
func portTaken(err error) bool {
	return errors.Is(err, syscall.EADDRINUSE) || strings.Contains(err.Error(), "address already in use")
}

// Close stops a server made by New and removes its data directory.
func (s *Server) Close() {
	s.Stop()
	if s.t == nil {
		os.RemoveAll(s.dir)
	}
}

func newMember(t testing.TB, name, dir string, clientPort, peerPort int) *Server {
	return &Server{
		t:      t,
		name:   name,
		dir:    dir,
		client: url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", clientPort)},
		peer:   url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", peerPort)},
	}
}

// Endpoint returns the member's client URL, such as http://127.0.0.1:40123.
func (s *Server) Endpoint() string { return s.client.String() }

// Endpoints returns the member's client URL as a list, ready for
// clientv3.Config.
func (s *Server) Endpoints() []string { return []string{s.Endpoint()} }

// Name returns the member's name.
func (s *Server) Name() string { return s.name }

// Running reports whether the member is started.
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.e != nil
}

// IsLeader reports whether the member is running and is its cluster's
// leader.
func (s *Server) IsLeader() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.e != nil && s.e.Server.Leader() == s.e.Server.MemberID()
}

// Stop stops the member; its data stays. Stopping a stopped member does
// nothing. Close the member's clients and cancel their watches first when
// you can: etcd waits up to about five seconds for open streams.
func (s *Server) Stop() {
	s.mu.Lock()
	e := s.e
	s.e = nil
	s.mu.Unlock()
	if e != nil {
		e.Close()
	}
}

// Restart starts a stopped member again on the same data directory and
// ports, and waits until it serves. It fails the test if it cannot (panics
// for a server made by New).
func (s *Server) Restart() {
	if s.t != nil {
		s.t.Helper()
	}
	err := fmt.Errorf("member %s is running", s.name)
	if !s.Running() {
		err = s.launch()
		if err == nil {
			err = s.awaitReady()
		}
	}
	switch {
	case err == nil:
	case s.t != nil:
		s.t.Fatalf("etcdtest: %v", err)
	default:
		panic(fmt.Sprintf("etcdtest: %v", err))
	}
}

// launch starts the member without waiting for it to join its cluster.
func (s *Server) launch() error {
	cfg := embed.NewConfig()
	cfg.Name = s.name
	cfg.Dir = s.dir
	cfg.ListenClientUrls = []url.URL{s.client}
	cfg.AdvertiseClientUrls = []url.URL{s.client}
	cfg.ListenPeerUrls = []url.URL{s.peer}
	cfg.AdvertisePeerUrls = []url.URL{s.peer}
	cfg.InitialCluster = s.cluster
	cfg.ClusterState = embed.ClusterStateFlagNew
	cfg.InitialClusterToken = "etcdtest"
	cfg.TickMs = 10
	cfg.ElectionMs = 50
	cfg.UnsafeNoFsync = true // test data: speed over durability
	cfg.MaxTxnOps = 10000    // transactions as large as a fleet's flag sets
	cfg.LogLevel = "error"
	cfg.ZapLoggerBuilder = embed.NewZapLoggerBuilder(zap.NewNop())
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return fmt.Errorf("start member %s on %s: %w", s.name, s.client.Host, err)
	}
	s.mu.Lock()
	s.e = e
	s.mu.Unlock()
	return nil
}

func (s *Server) awaitReady() error {
	s.mu.Lock()
	e := s.e
	s.mu.Unlock()
	select {
	case <-e.Server.ReadyNotify():
		return nil
	case err := <-e.Err():
		s.Stop()
		return fmt.Errorf("member %s failed: %w", s.name, err)
	case <-time.After(readyTimeout):
		s.Stop()
		return fmt.Errorf("member %s not ready after %v", s.name, readyTimeout)
	}
}

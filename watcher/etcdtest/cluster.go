package etcdtest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// Cluster is a group of embedded etcd members that form one cluster.
type Cluster struct {
	Members []*Server
}

// StartCluster starts a cluster of n members for the test and stops them
// when the test ends.
func StartCluster(t testing.TB, n int) *Cluster {
	t.Helper()
	c := &Cluster{}
	var peers []string
	for i := range n {
		m := newMember(t, fmt.Sprintf("m%d", i), t.TempDir(), mustFreePort(t), mustFreePort(t))
		c.Members = append(c.Members, m)
		peers = append(peers, m.name+"="+m.peer.String())
	}
	for _, m := range c.Members {
		m.cluster = strings.Join(peers, ",")
		t.Cleanup(m.Stop)
	}
	for _, m := range c.Members {
		if err := m.launch(); err != nil {
			t.Fatalf("etcdtest: %v", err)
		}
	}
	for _, m := range c.Members {
		if err := m.awaitReady(); err != nil {
			t.Fatalf("etcdtest: %v", err)
		}
	}
	return c
}

// Endpoints returns every member's client URL.
func (c *Cluster) Endpoints() []string {
	var out []string
	for _, m := range c.Members {
		out = append(out, m.Endpoint())
	}
	return out
}

// Client returns a client of every member, closed when the test ends.
func (c *Cluster) Client(t testing.TB) *clientv3.Client {
	t.Helper()
	return NewClient(t, c.Endpoints()...)
}

// Leader waits until a running member leads the cluster and returns it. It
// fails the test if no leader appears within the ready timeout.
func (c *Cluster) Leader(t testing.TB) *Server {
	t.Helper()
	deadline := time.Now().Add(readyTimeout)
	for time.Now().Before(deadline) {
		for _, m := range c.Members {
			if m.IsLeader() {
				return m
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("etcdtest: no leader after %v", readyTimeout)
	return nil
}

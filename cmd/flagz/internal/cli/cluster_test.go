package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz/watcher/etcdtest"
)

// A 3-member cluster loses its leader while set --wait waits for a process
// cut off from etcd: the wait follows the next leader and ends once that
// process is back and has applied the write.
func TestWaitSurvivesLeaderLoss(t *testing.T) {
	c := etcdtest.StartCluster(t, 3)
	eps := c.Endpoints()
	leader := c.Leader(t)
	var follower *etcdtest.Server
	for _, m := range c.Members {
		if m != leader {
			follower = m
			break
		}
	}
	startProcess(t, eps, processOptions{})
	proxy := etcdtest.NewProxy(t, follower)
	// A long lease: stopping a member takes seconds, and the record must
	// outlive the cut.
	late := startProcess(t, []string{proxy.Endpoint()}, processOptions{presenceTTL: time.Minute})
	waitProcesses(t, eps, 2)
	proxy.Cut() // late cannot see the write until the proxy is restored

	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	defer cancel()
	var stdout, stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"set", "rate", "42", "--wait=20s", "--endpoints=" + strings.Join(eps, ","),
			"--prefix=" + testPrefix, "--command-timeout=2s"}, &stdout, &stderr)
	}()
	eventually(t, "set --wait waiting", func() (bool, string) {
		return strings.Contains(stderr.String(), "waiting up to"), stdout.String() + stderr.String()
	})
	leader.Stop()
	if next := c.Leader(t); next == leader {
		t.Fatal("the stopped member still leads")
	}
	proxy.Restore()
	code := <-done
	r := result{code: code, stdout: stdout.String(), stderr: stderr.String()}
	want(t, r, ExitOK, "2 applied")
	if late.rate.Get() != 42 {
		t.Errorf("the cut-off process has rate %d, want 42", late.rate.Get())
	}
}

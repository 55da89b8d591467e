package realetcd_test

import (
	"testing"

	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/watcher/etcdtest"
)

// Fault test 6: in a 3-member cluster, the leader stops; the watcher
// follows the next leader and converges.
func TestClusterLeaderStopped(t *testing.T) {
	c := etcdtest.StartCluster(t, 3)
	cli := c.Client(t)
	put(t, cli, "rate", "250")

	f := newTestFlags()
	w, _ := startWatcher(t, f.fs, cli, fastOptions()...)

	old := c.Leader(t)
	old.Stop()
	if next := c.Leader(t); next == old {
		t.Fatal("the stopped member still leads")
	}
	writer := c.Client(t)
	put(t, writer, "rate", "500")
	del(t, writer, "name")
	eventually(t, "converged on the next leader", func() bool {
		return f.rate.Get() == 500 && f.name.Get() == "default-name" && state(w) == record.StateServing
	})
	put(t, writer, "rate", "501")
	eventually(t, "rate = 501", func() bool { return f.rate.Get() == 501 })
}

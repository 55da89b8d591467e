package watcher_test

import (
	"strings"
	"testing"

	"github.com/flagz-go/flagz/watcher"
	"github.com/spf13/pflag"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// Issue 25.7: an empty or root prefix would follow every top-level key of
// the cluster (and, with rollback on, write over other applications' keys
// its flags refuse): New refuses it, naming the prefix. New makes no
// request, so the client is never used.
func TestNewRefusesAnEmptyOrRootPrefix(t *testing.T) {
	cli := new(clientv3.Client)
	for _, p := range []string{"", "/", "//", "///"} {
		fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
		w, err := watcher.New(fs, cli, p)
		if err == nil || w != nil {
			t.Errorf("New with prefix %q = %v, %v; want an error", p, w, err)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, "prefix") || !strings.Contains(msg, "root") {
			t.Errorf("New with prefix %q: error %q does not say the prefix is empty or the root", p, msg)
		}
	}
	for _, p := range []string{"/svc", "/svc/", "svc"} {
		if _, err := watcher.New(pflag.NewFlagSet("test", pflag.ContinueOnError), cli, p); err != nil {
			t.Errorf("New with prefix %q: %v", p, err)
		}
	}
}

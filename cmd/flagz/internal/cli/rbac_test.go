package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/flagz-go/flagz/watcher/etcdtest"
	"github.com/flagz-go/flagz/watcher/presence"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/server/v3/embed"
)

// What the docs say etcd's RBAC can do for presence: a process whose role
// grants it read on <prefix>/ and readwrite on its own presence keys only
// (the two keys of a fixed id; or, with the default id "host/pid/nanos",
// the two presence prefixes of its host) publishes its record, follows
// writes and revokes its lease at Stop; it can write neither another
// process's presence keys nor a flag. The operator's flagz works as root.
func TestPresenceUnderRBACOwnKeysOnly(t *testing.T) {
	// bcrypt's least cost (4): the default costs seconds per password under -race.
	eps := []string{startEmbeddedEtcd(t, "http", func(cfg *embed.Config) { cfg.BcryptCost = 4 })}
	root := etcdtest.NewClient(t, eps...)
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	defer cancel()
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown-host" // as the watcher names it
	}
	read, readwrite := clientv3.PermissionType(clientv3.PermRead), clientv3.PermissionType(clientv3.PermReadWrite)
	prefixEnd := func(key string) string { return clientv3.GetPrefixRangeEnd(key) }
	grants := map[string][][3]string{ // user: key, range end, "rw" or "r"
		"web-1": {
			{testPrefix + "/", prefixEnd(testPrefix + "/"), "r"},
			{presence.Key(testPrefix, "web-1"), "", "rw"},
			{presence.InfoKey(testPrefix, "web-1"), "", "rw"},
		},
		"by-host": {
			{testPrefix + "/", prefixEnd(testPrefix + "/"), "r"},
			{presence.Key(testPrefix, host+"/"), prefixEnd(presence.Key(testPrefix, host+"/")), "rw"},
			{presence.InfoKey(testPrefix, host+"/"), prefixEnd(presence.InfoKey(testPrefix, host+"/")), "rw"},
		},
	}
	steps := []func() error{
		func() error { _, err := root.UserAdd(ctx, "root", "secret"); return err },
		func() error { _, err := root.UserGrantRole(ctx, "root", "root"); return err },
	}
	for user, perms := range grants {
		steps = append(steps,
			func() error { _, err := root.RoleAdd(ctx, user); return err },
			func() error { _, err := root.UserAdd(ctx, user, "pw-"+user); return err },
			func() error { _, err := root.UserGrantRole(ctx, user, user); return err })
		for _, p := range perms {
			perm := map[string]clientv3.PermissionType{"r": read, "rw": readwrite}[p[2]]
			steps = append(steps, func() error { _, err := root.RoleGrantPermission(ctx, user, p[0], p[1], perm); return err })
		}
	}
	steps = append(steps, func() error { _, err := root.AuthEnable(ctx); return err })
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}

	fixed := startProcess(t, eps, processOptions{id: "web-1", user: "web-1:pw-web-1", presenceTTL: time.Minute})
	byHost := startProcess(t, eps, processOptions{user: "by-host:pw-by-host", presenceTTL: time.Minute})
	admin := authClient(t, eps, "root:secret")
	live := func(n int) func() (bool, string) {
		return func() (bool, string) {
			l, err := presence.Read(ctx, admin, testPrefix)
			return err == nil && len(l.Invalid) == 0 && len(l.Records) == n, fmt.Sprintf("%+v, %v", l, err)
		}
	}
	eventually(t, "both records", live(2))
	r := flagzAt(t, eps, "set", "rate", "7", "--wait", "--user=root:secret")
	want(t, r, ExitOK, "2 applied")

	for _, c := range []struct {
		p     *process
		other string
	}{{fixed, host + "/1/2"}, {byHost, "web-1"}} {
		for _, key := range []string{presence.Key(testPrefix, c.other), presence.InfoKey(testPrefix, c.other), testPrefix + "/rate"} {
			if _, err := c.p.cli.Put(ctx, key, "{}"); !errors.Is(err, rpctypes.ErrPermissionDenied) {
				t.Errorf("put %s: %v, want permission denied", key, err)
			}
		}
	}

	fixed.w.Stop() // each revokes its lease: the records go now, not in a minute
	byHost.w.Stop()
	eventually(t, "the records gone at Stop", live(0))
}

package cli

import (
	"os"

	"github.com/flagz-go/flagz/watcher/etcdtest"
	"strconv"
	"testing"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// get prints a key's value and mod revision; a missing key exits with 1.
// del deletes it; deleting a missing key is no error.
func TestGetAndDel(t *testing.T) {
	srv, c := etcd(t)
	eps := []string{srv.Endpoint()}
	rev := put(t, c, "greeting", "hello, world")

	r := flagzAt(t, eps, "get", "greeting")
	want(t, r, ExitOK, "greeting = hello, world", "/flagz/test/greeting", "mod revision  "+itoa64(rev))
	var v keyView
	decode(t, flagzAt(t, eps, "get", "greeting", "-o", "json"), &v)
	if !v.Exists || v.Value != "hello, world" || v.ModRevision != rev || v.Key != testPrefix+"/greeting" {
		t.Errorf("get -o json = %+v, want the value at mod revision %d", v, rev)
	}

	// No live process could confirm the delete: refused unless --force.
	r = flagzAt(t, eps, "del", "greeting")
	want(t, r, ExitFailed, "no live process publishes its presence", "--force deletes anyway", "nothing deleted")
	if _, ok := value(t, c, "greeting"); !ok {
		t.Fatal("a refused del deleted the key")
	}
	r = flagzAt(t, eps, "del", "greeting", "--force")
	want(t, r, ExitOK, "deleted greeting", "nobody confirmed revision", "(written with --force)")
	if _, ok := value(t, c, "greeting"); ok {
		t.Fatal("the key is still there after del")
	}
	want(t, flagzAt(t, eps, "get", "greeting"), ExitFailed, "greeting has no value in etcd", "default")
	r = flagzAt(t, eps, "get", "greeting", "-o", "json")
	want(t, r, ExitFailed, `"exists": false`)
	want(t, flagzAt(t, eps, "del", "greeting"), ExitOK, "nothing to delete")
	var d delOutput
	decode(t, flagzAt(t, eps, "del", "greeting", "-o", "json"), &d)
	if d.Existed || d.Written {
		t.Errorf("del -o json of a missing key = %+v", d)
	}
}

// FLAGZ_ENDPOINTS and FLAGZ_PREFIX stand for --endpoints and --prefix.
func TestEnvironment(t *testing.T) {
	srv, c := etcd(t)
	put(t, c, "greeting", "from env")
	t.Setenv(EnvEndpoints, srv.Endpoint())
	t.Setenv(EnvPrefix, testPrefix)
	want(t, runArgs(t, "get", "greeting"), ExitOK, "greeting = from env")
	// Flags win over the environment.
	t.Setenv(EnvPrefix, "/elsewhere")
	want(t, runArgs(t, "get", "--prefix="+testPrefix, "greeting"), ExitOK, "greeting = from env")
	// Global flags before the command, as --name=value.
	want(t, runArgs(t, "--prefix="+testPrefix, "get", "greeting"), ExitOK, "greeting = from env")
	want(t, runArgs(t, "--prefix", testPrefix, "-o", "json", "get", "greeting"), ExitOK, `"value": "from env"`)
}

// del --if-revision deletes only a key still at that revision.
func TestDelIfRevision(t *testing.T) {
	srv, c := etcd(t)
	eps := []string{srv.Endpoint()}
	old := put(t, c, "greeting", "one")
	put(t, c, "greeting", "two")
	r := flagzAt(t, eps, "del", "greeting", "--force", "--if-revision="+itoa64(old))
	want(t, r, ExitFailed, "greeting changed since revision "+itoa64(old), "holds two", "nothing deleted")
	if v, _ := value(t, c, "greeting"); v != "two" {
		t.Fatalf("after a lost del the key holds %q, want two", v)
	}
}

// With etcd down, every command fails with 1 naming the endpoint and why
// (connection refused: at once, though the command timeout is an hour);
// cut off behind a proxy that takes connections and drops them, it fails
// once the command timeout passes, saying so. Nothing is written: after
// etcd is back the keys are as they were.
func TestEtcdOutage(t *testing.T) {
	srv, c := etcd(t)
	eps := []string{srv.Endpoint()}
	put(t, c, "greeting", "before")
	proxy := etcdtest.NewProxy(t, srv)
	proxy.Cut()
	commands := [][]string{
		{"set", "greeting", "during", "--force"},
		{"set", "greeting", "during", "--force", "--wait=1s"},
		{"del", "greeting"},
		{"get", "greeting"},
		{"ls"},
		{"status"},
	}
	check := func(r result, args []string) {
		t.Helper()
		switch args[0] {
		case "set":
			want(t, r, ExitFailed, "nothing written")
		case "del":
			want(t, r, ExitFailed, "nothing deleted")
		}
	}
	for _, args := range commands {
		r := flagzAt(t, []string{proxy.Endpoint()}, append(args, "--command-timeout=300ms")...)
		t.Logf("flagz %v, cut off:\n%s", args, r.stderr)
		want(t, r, ExitFailed, proxy.Endpoint(), "did not answer within 300ms", "closes them without an answer")
		check(r, args)
	}
	srv.Stop()
	for _, args := range commands {
		r := flagzAt(t, eps, append(args, "--command-timeout=1h")...)
		t.Logf("flagz %v, stopped:\n%s", args, r.stderr)
		want(t, r, ExitFailed, "cannot reach etcd at "+srv.Endpoint(), "connection refused")
		check(r, args)
	}
	srv.Restart()
	if v, _ := value(t, c, "greeting"); v != "before" {
		t.Fatalf("after the outage the key holds %q, want before", v)
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

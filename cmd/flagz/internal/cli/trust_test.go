package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz/watcher/etcdtest"
	"github.com/flagz-go/flagz/watcher/presence"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// forgeAs writes, under the presence keys of id key, the record of
// another process: host-b's id, a schema that takes a rate up to 1000, a
// revision far ahead of every write.
func forgeAs(t *testing.T, c *clientv3.Client, key string) {
	t.Helper()
	lax := recordOf("host-b", serviceFlags(1000))
	lax.Revision, lax.Updated = 1<<40, time.Now().UTC()
	info, status := lax.Split()
	for k, v := range map[string]any{presence.InfoKey(testPrefix, key): info, presence.Key(testPrefix, key): status} {
		value, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		putKey(t, c, k, string(value))
	}
}

// A process is who its key says. Records under keys of their own that say
// they are host-b, with a schema taking anything up to 1000 and a revision
// far ahead, do not make pre-flight accept what host-b refuses (over 50),
// nor --wait count a frozen host-b as applied, whether they are there
// before the command or written while it waits; ls and status list them
// as invalid, by key.
func TestPresenceRecordTrustedOnlyUnderItsKey(t *testing.T) {
	srv, c := etcd(t)
	eps := []string{srv.Endpoint()}
	startProcess(t, eps, processOptions{id: "host-a", maxRate: 1000})
	proxy := etcdtest.NewProxy(t, srv)
	b := startProcess(t, []string{proxy.Endpoint()}, processOptions{id: "host-b", maxRate: 50, presenceTTL: time.Minute})
	waitProcesses(t, eps, 2)
	forgeAs(t, c, "zz-forged") // sorts after host-b's keys

	r := flagzAt(t, eps, "set", "rate", "900")
	t.Log(r)
	want(t, r, ExitFailed, "not in range [1, 50]", "host-b", "nothing written")
	if v, ok := value(t, c, "rate"); ok {
		t.Fatalf("pre-flight let 900 through: the key holds %q", v)
	}
	forgedKeys := []string{presence.InfoKey(testPrefix, "zz-forged"), presence.Key(testPrefix, "zz-forged")}
	for _, cmd := range []string{"ls", "status"} {
		want(t, flagzAt(t, eps, cmd), ExitOK, append([]string{"2 live processes", "invalid presence record"}, forgedKeys...)...)
	}
	var st statusOutput
	decode(t, flagzAt(t, eps, "status", "-o", "json"), &st)
	if len(st.Processes) != 2 || st.Processes[1].ID != "host-b" || len(st.Invalid) != 2 ||
		st.Invalid[0].Key != forgedKeys[0] || st.Invalid[1].Key != forgedKeys[1] {
		t.Errorf("status -o json = %+v, want host-a and host-b, and the forged keys invalid", st)
	}

	proxy.Cut() // host-b is frozen: it cannot report anything
	r = flagzAt(t, eps, "set", "rate", "40", "--wait=2s")
	t.Log(r)
	want(t, r, ExitFailed, "1 applied, 1 not answering")

	// Forged while the command waits.
	var stdout, stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(t.Context(), []string{"set", "rate", "45", "--wait=3s", "--endpoints=" + srv.Endpoint(), "--prefix=" + testPrefix},
			&stdout, &stderr)
	}()
	eventually(t, "set --wait waiting", func() (bool, string) {
		return strings.Contains(stderr.String(), "waiting up to"), stderr.String()
	})
	forgeAs(t, c, "zz-late")
	r = result{code: <-done, stdout: stdout.String(), stderr: stderr.String()}
	t.Log(r)
	want(t, r, ExitFailed, "1 applied, 1 not answering", presence.Key(testPrefix, "zz-late"))
	if b.rate.Get() != 10 {
		t.Errorf("the frozen host-b has rate %d, want its default 10", b.rate.Get())
	}
}

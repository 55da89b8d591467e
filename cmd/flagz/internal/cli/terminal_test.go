package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz/schema"
	"github.com/flagz-go/flagz/watcher/presence"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// evil is text from etcd meant for the operator's terminal: clear the
// screen, write the clipboard (OSC 52), return to the line's start and
// reverse the text's direction, then a fake verdict.
const evil = "\x1b[2J\x1b]52;c;ZXZpbA==\x07\r\u202e converged"

// putKey writes value at key.
func putKey(t *testing.T, c *clientv3.Client, key, value string) {
	t.Helper()
	if _, err := c.Put(t.Context(), key, value); err != nil {
		t.Fatalf("put %q: %v", key, err)
	}
}

// Nothing from etcd reaches the terminal as control bytes: a forged
// presence record (its id, state, checksum, version, flag set, flags,
// values and refusals), a key under the presence prefix that is no record,
// a flag key's name and value, and a value a process refuses with a
// reason quoting it are all shown escaped in text output by ls, status,
// get and set --wait; JSON output has them exactly.
func TestTerminalControlsFromEtcdAreEscaped(t *testing.T) {
	srv, c := etcd(t)
	eps := []string{srv.Endpoint()}
	startProcess(t, eps, processOptions{id: "host-a"})
	waitProcesses(t, eps, 1)

	// A record consistent with its key, every text of it hostile.
	forgedID := "forged" + evil
	schema := []schema.Flag{
		{Name: "mode", Type: "dyn_string", Dynamic: true, Default: evil, Usage: evil},
		{Name: "x" + evil, Type: evil, Dynamic: true, Default: evil},
	}
	far := int64(1 << 40)
	forged := presence.Record{ID: forgedID, Host: evil, Version: evil, FlagSet: evil, State: evil,
		Checksum: evil, Revision: far, Updated: time.Now().UTC(), Flags: schema, Values: map[string]string{"mode": evil},
		Rejections: []presence.Rejection{{Flag: "mode", Revision: far, Value: evil, Reason: evil, At: time.Now().UTC()}}}
	info, status := forged.Split()
	iv, err := presence.EncodeInfo(info)
	if err != nil {
		t.Fatal(err)
	}
	sv, err := presence.EncodeStatus(status)
	if err != nil {
		t.Fatal(err)
	}
	putKey(t, c, presence.InfoKey(testPrefix, forgedID), string(iv))
	putKey(t, c, presence.Key(testPrefix, forgedID), string(sv))
	// A key that is no record of the process it names.
	idJSON, _ := json.Marshal(evil)
	putKey(t, c, presence.Key(testPrefix, "bad"+evil), `{"id":`+string(idJSON)+`}`)
	// A flag key no process declares.
	putKey(t, c, testPrefix+"/k"+evil, evil)
	waitProcesses(t, eps, 2)

	check := func(r result, code int) {
		t.Helper()
		t.Log(r)
		if r.code != code {
			t.Fatalf("exit %d, want %d", r.code, code)
		}
		out := r.stdout + r.stderr
		if bad := rawControls(strings.ReplaceAll(out, "\n", "")); len(bad) > 0 {
			t.Errorf("the output holds raw %q", bad)
		}
		for _, want := range []string{`\x1b[2J`, `\x1b]52;c;ZXZpbA==\a`, `\r`, `\u202e`} {
			if !strings.Contains(out, want) {
				t.Errorf("the output does not show %s", want)
			}
		}
	}
	// The process refuses the value, its reason quoting it as it is; the
	// forged record reports a refusal of its own.
	r := flagzAt(t, eps, "set", "mode", "x"+evil, "--force", "--wait")
	check(r, ExitFailed)
	want(t, r, ExitFailed, "host-a", "rejected", "unknown mode x")
	r = flagzAt(t, eps, "status")
	check(r, ExitOK)
	want(t, r, ExitOK, "rejecting: host-a refuses mode=x", "invalid presence record")
	check(flagzAt(t, eps, "ls"), ExitOK)
	check(flagzAt(t, eps, "get", "mode"), ExitOK)
	check(flagzAt(t, eps, "get", "k"+evil), ExitOK)

	// JSON output is exact.
	var st statusOutput
	decode(t, flagzAt(t, eps, "status", "-o", "json"), &st)
	found := false
	for _, p := range st.Processes {
		if p.ID == forgedID {
			found = p.State == evil && p.Checksum == evil && p.Version == evil && len(p.Rejections) == 1 && p.Rejections[0].Reason == evil
		}
	}
	if !found || len(st.Invalid) != 1 || st.Invalid[0].Key != presence.Key(testPrefix, "bad"+evil) {
		t.Errorf("status -o json does not have the texts exactly: %+v", st)
	}
	var v keyView
	decode(t, flagzAt(t, eps, "get", "mode", "-o", "json"), &v)
	if v.Value != "x"+evil {
		t.Errorf("get -o json = %q, want the value exactly", v.Value)
	}
}

package debug_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/debug"
	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files of the page's JSON form")

// fullFlag is a flag on the page with every field set, so that its JSON
// shows every field name.
func fullFlag() debug.Flag {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	cmdline := `{"retries":2}`
	snap := &record.SnapshotOrigin{Path: "/var/lib/app/flagz-etcd.snapshot", Written: t0, Revision: 11}
	return debug.Flag{
		FlagState: flagz.FlagState{
			Name: "routing", Type: "dyn_json", Syntax: schema.JSON, Usage: "routing table", Dynamic: true,
			Sensitive: true, Value: `{"retries":3}`, Description: "three retries", Default: `{"retries":1}`,
			Changed: true, CommandLine: &cmdline,
			Pending: []record.Holding{{Source: "file", Value: `{"retries":4}`, Revision: 3, Matches: true, Snapshot: snap,
				Time: t0, CommandLine: true, WinsAtRestart: true}},
			HeldBy: []record.Holding{{Source: "etcd", Value: `{"retries":3}`, Revision: 12, Matches: true, Snapshot: snap,
				Time: t0, CommandLine: true, WinsAtRestart: true}},
			LastChange: &record.Change{Time: t0, Source: "etcd", Revision: 12, Result: record.Applied,
				Old: `{"retries":1}`, New: `{"retries":3}`, Removed: true, Reason: "why"},
			LastRejection: &record.Change{Time: t0, Source: "etcd", Revision: 10, Result: record.Rejected, New: "x", Reason: "not JSON"},
			History: []record.Change{{Time: t0, Source: "etcd", Revision: 10, Result: record.Rejected,
				Old: "o", New: "x", Removed: true, Reason: "not JSON"}},
			NotifierPanic: "notifier panicked: boom", NotifierBehindSince: t0,
		},
		LastRejection: &debug.Rejection{Time: t0, Source: "etcd", Revision: 10, Value: "x", Reason: "not JSON",
			Current: true, SupersededBy: 12},
		DiffersFromSource: true,
		JSONDiff:          []debug.JSONDiff{{Path: "/retries", Default: json.RawMessage("1"), Value: json.RawMessage("3")}},
	}
}

// fullSource is a source on the page with every field set.
func fullSource() record.SourceStatus {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	return record.SourceStatus{
		Name: "etcd", State: record.StateDegraded, Since: t0, Err: "etcd unreachable", LastSync: t0, LastRevision: 12,
		Applied: 1, Rejected: 2, RestartRequired: 3, Ignored: 4, CommandLine: 5,
		History: []record.StateSpan{
			{State: record.StateServing, Since: t0, Until: t0.Add(time.Minute), Err: "was fine"},
			{State: record.StateDegraded, Since: t0.Add(time.Minute), Err: "etcd unreachable"},
		},
		IgnoredNames: []record.IgnoredName{{Name: "from_a_newer_binary", Time: t0, Revision: 9}},
		Snapshot:     &record.SnapshotOrigin{Path: "/var/lib/app/flagz-etcd.snapshot", Written: t0, Revision: 11},
		Problems:     []record.Problem{{Name: "snapshot", Err: "open /var/lib/app: permission denied", Since: t0}},
		Waiting:      &record.Wait{Flag: "rate", On: record.WaitChecks, Since: t0, Revision: 13},
	}
}

// The JSON form of a flag and of a source is what scripts parse: its field
// names are pinned here, so that renaming a field of the engine's records
// (which the page renders as they are) cannot change the page silently.
// go test -run JSONForm -update rewrites the golden files after a change
// made on purpose (say which in the commit: scripts may break).
func TestJSONFormFieldNames(t *testing.T) {
	for _, c := range []struct {
		golden string
		v      any
	}{
		{"flag.json", fullFlag()},
		{"source.json", fullSource()},
	} {
		got, err := json.MarshalIndent(c.v, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, '\n')
		path := filepath.Join("testdata", c.golden)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("the JSON form of %s changed:\n%s\nwant (%s):\n%s", c.golden, got, path, want)
		}
		// A Go tool reads it back into the same types (debug.Page).
		back := reflect.New(reflect.TypeOf(c.v))
		dec := json.NewDecoder(bytes.NewReader(got))
		dec.DisallowUnknownFields()
		if err := dec.Decode(back.Interface()); err != nil {
			t.Errorf("decoding %s: %v", c.golden, err)
		} else if again, _ := json.MarshalIndent(back.Elem().Interface(), "", "  "); !bytes.Equal(append(again, '\n'), got) {
			t.Errorf("%s does not read back as written:\n%s", c.golden, again)
		}
	}
}

// Every field the live page writes for its flags and sources is one the
// golden files name: a field added to the engine's records shows here.
func TestJSONFormLiveFieldsAreKnown(t *testing.T) {
	known := map[string]bool{}
	for _, v := range []any{fullFlag(), fullSource()} {
		b, _ := json.Marshal(v)
		var m any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		keyPaths(m, "", known)
	}

	f := newFixture(t)
	etcd := f.source("etcd")
	etcd.Update(5, map[string]string{"rate": "0", "routing": `{"retries":3,"hosts":["b"]}`, "port": "9"})
	etcd.Update(6, map[string]string{"rate": "250", "not_a_flag": "1"})
	status, _, body := get(t, f.url(debug.Path+"?format=json"))
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	var page struct{ Flags, Sources []any }
	if err := json.Unmarshal([]byte(body), &page); err != nil {
		t.Fatal(err)
	}
	live := map[string]bool{}
	for _, v := range append(page.Flags, page.Sources...) {
		keyPaths(v, "", live)
	}
	for _, p := range slices.Sorted(maps.Keys(live)) {
		if !known[p] {
			t.Errorf("the page writes %q, which testdata/*.json does not name: add it to fullFlag or fullSource", p)
		}
	}
	for _, p := range []string{"last_rejection.current", "held_by[].current", "history[].result", "pending[].wins_at_restart", "ignored_names[].name"} {
		if !live[p] {
			t.Errorf("the live page lacks %q", p)
		}
	}
}

// keyPaths adds the path of every object member under v to into:
// "held_by[].snapshot.path".
func keyPaths(v any, prefix string, into map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			into[p] = true
			keyPaths(e, p, into)
		}
	case []any:
		for _, e := range v {
			keyPaths(e, prefix+"[]", into)
		}
	}
}

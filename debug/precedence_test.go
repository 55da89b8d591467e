package debug_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/debug"
)

// The page shows what the command line gave and what sources hold that the
// process does not run with: a static flag keeping its command-line value,
// a static change waiting for a restart, a dynamic flag a source overrode.
func TestPageShowsCommandLineAndPendingValues(t *testing.T) {
	fs := newFlagSet(t)
	fs.String("listen", "127.0.0.1:8080", "static")
	fs.Int("workers", 1, "static")
	flagz.DynInt64(fs, "rate", 10, "dynamic")
	if err := fs.Parse([]string{"--listen=127.0.0.1:0", "--rate=20"}); err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	src := flagz.EngineFor(fs).Source("etcd", logs.logger())
	src.Load(1, map[string]string{"listen": "127.0.0.1:9999", "rate": "30", "workers": "2"})
	src.Update(2, map[string]string{"workers": "4"})
	srv := httptest.NewServer(debug.NewHandler(fs))
	t.Cleanup(srv.Close)

	_, _, body := get(t, srv.URL+"?format=json")
	p := decodePage(t, body)
	listen := flagOf(t, p, "listen")
	if listen.Value != "127.0.0.1:0" || listen.CommandLine == nil || *listen.CommandLine != "127.0.0.1:0" {
		t.Errorf("listen: value %q, command line %v", listen.Value, listen.CommandLine)
	}
	if len(listen.Pending) != 1 || listen.Pending[0].Value != "127.0.0.1:9999" || !listen.Pending[0].CommandLine || listen.Pending[0].Source != "etcd" {
		t.Errorf("listen: pending %+v, want etcd's value not applied for the command line", listen.Pending)
	}
	workers := flagOf(t, p, "workers")
	if len(workers.Pending) != 1 || workers.Pending[0].Value != "4" || workers.Pending[0].CommandLine {
		t.Errorf("workers: pending %+v, want 4 after a restart", workers.Pending)
	}
	rate := flagOf(t, p, "rate")
	if rate.Value != "30" || rate.CommandLine == nil || *rate.CommandLine != "20" || len(rate.Pending) != 0 {
		t.Errorf("rate: value %q, command line %v, pending %+v", rate.Value, rate.CommandLine, rate.Pending)
	}

	_, _, html := get(t, srv.URL, "Accept", "text/html")
	for _, want := range []string{
		"given on the command line: <code>127.0.0.1:0</code>",
		"not applied, the command line wins: <code>127.0.0.1:9999</code>",
		"after a restart: <code>4</code>",
		"given on the command line: <code>20</code>",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}

	// The source agreeing again clears what was pending.
	src.Update(3, map[string]string{"workers": "2"})
	_, _, body = get(t, srv.URL+"?format=json")
	if w := flagOf(t, decodePage(t, body), "workers"); len(w.Pending) != 0 {
		t.Errorf("workers: pending %+v after the source went back to the running value", w.Pending)
	}
}

package debug_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/spf13/pflag"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/debug"
	"github.com/flagz-go/flagz/record"
)

// fixture is a flag set with a few flags of each kind, served by a real
// HTTP server.
type fixture struct {
	fs     *pflag.FlagSet
	rate   *flagz.DynInt64Value
	name   *flagz.DynStringValue
	config *flagz.DynJSONValue
	srv    *httptest.Server
	logs   *logBuffer
}

type routing struct {
	Retries int      `json:"retries"`
	Hosts   []string `json:"hosts"`
}

func newFlagSet(t testing.TB) *pflag.FlagSet {
	t.Helper()
	return pflag.NewFlagSet(t.Name(), pflag.ContinueOnError)
}

// newFixture declares the flags, loads a first snapshot through a source
// (so that static flags are set too) and starts a server with opts.
func newFixture(t testing.TB, opts ...debug.Option) *fixture {
	t.Helper()
	f := &fixture{fs: newFlagSet(t), logs: &logBuffer{}}
	f.rate = flagz.DynInt64(f.fs, "rate", 100, "requests per second").
		WithValidator(flagz.ValidateDynInt64Range(1, 10_000))
	f.name = flagz.DynString(f.fs, "greeting", "hello", "what to say")
	f.config = flagz.DynJSON(f.fs, "routing", &routing{Retries: 1, Hosts: []string{"a"}}, "routing table")
	f.fs.Int("port", 8080, "listening port (static)")
	f.fs.String("region", "eu", "deployment region (static)")
	src := flagz.EngineFor(f.fs).Source("file", f.logs.logger())
	src.Load(1, map[string]string{"region": "us"})
	src.SetState(record.StateServing, nil)
	mux := http.NewServeMux()
	debug.Register(mux, f.fs, append([]debug.Option{debug.WithLogger(f.logs.logger())}, opts...)...)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// source returns the engine's source called name, logging to f.logs.
func (f *fixture) source(name string) *flagz.Source {
	return flagz.EngineFor(f.fs).Source(name, f.logs.logger())
}

func (f *fixture) url(path string) string { return f.srv.URL + path }

// get fetches url and returns the status and body.
func get(t testing.TB, url string, header ...string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return do(t, req)
}

func do(t testing.TB, req *http.Request) (int, http.Header, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", req.Method, req.URL, err)
	}
	return resp.StatusCode, resp.Header, string(body)
}

// getPage fetches the JSON page with the query (without "?").
func getPage(t testing.TB, f *fixture, query string) debug.Page {
	t.Helper()
	status, _, body := get(t, f.url(debug.Path+"?format=json&"+query))
	if status != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", query, status, body)
	}
	return decodePage(t, body)
}

func decodePage(t testing.TB, body string) debug.Page {
	t.Helper()
	var p debug.Page
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("decoding page: %v\n%s", err, body)
	}
	return p
}

func names(p debug.Page) []string {
	var out []string
	for _, f := range p.Flags {
		out = append(out, f.Name)
	}
	return out
}

func flagOf(t testing.TB, p debug.Page, name string) debug.Flag {
	t.Helper()
	for _, f := range p.Flags {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("flag %q not on the page (%v)", name, names(p))
	return debug.Flag{}
}

// logBuffer collects slog output of every logger made from it.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/flagz-go/flagz/debug"
	"github.com/flagz-go/flagz/examples/internal/demo"
	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// Deadlines of the end-to-end test: generous, since a race-enabled build
// on a busy machine is slow; they only bound a failure.
const (
	buildTimeout = 5 * time.Minute
	startTimeout = time.Minute
	waitTimeout  = 30 * time.Second
	exitTimeout  = 30 * time.Second
)

// TestEndToEnd builds examples/server, runs it as a user would (its
// embedded etcd, --listen=127.0.0.1:0), and drives it through etcd only:
// a change shows on the debug page and in the service's answers, a bad value
// is rolled back in etcd, a deleted key returns the default, SIGTERM stops
// it with exit code 0.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the demo binary")
	}
	d := startDemo(t, buildDemo(t), "--listen=127.0.0.1:0")
	etcd := d.etcdClient(t)

	// A generous rate limit first, so that polling GET / is not limited.
	d.put(t, etcd, demo.FlagRateLimit, "1000")
	d.waitFor(t, "rate_limit=1000 on the page and in GET /", func() (bool, string) {
		return d.flagValue(t, demo.FlagRateLimit) == "1000" && d.status(t).RateLimit == 1000, d.describe(t)
	})

	t.Run("change applies", func(t *testing.T) {
		d.put(t, etcd, demo.FlagGreeting, "hello from e2e")
		d.put(t, etcd, demo.FlagShout, "true")
		d.waitFor(t, "greeting and shout on the page and in GET /", func() (bool, string) {
			st := d.status(t)
			return d.flagValue(t, demo.FlagGreeting) == "hello from e2e" &&
				d.flagValue(t, demo.FlagShout) == "true" &&
				st.Greeting == "HELLO FROM E2E" && st.Shout, d.describe(t)
		})
		d.put(t, etcd, demo.FlagRoutes, `{"routes":[{"prefix":"/api","backend":"api-v2:8080"}],"default":"web:8080"}`)
		d.waitFor(t, "the new routing table in GET /route/", func() (bool, string) {
			var got demo.RouteAnswer
			code := d.getJSON(t, "/route/api/users", &got)
			return code == http.StatusOK && got.Backend == "api-v2:8080", fmt.Sprintf("%d %+v", code, got)
		})
	})

	t.Run("rate limit bites", func(t *testing.T) {
		d.put(t, etcd, demo.FlagRateLimit, "1")
		d.waitFor(t, "429 once rate_limit=1", func() (bool, string) {
			code := d.getJSON(t, "/", nil)
			return code == http.StatusTooManyRequests, fmt.Sprint("GET / answered ", code)
		})
		d.put(t, etcd, demo.FlagRateLimit, "1000")
		d.waitFor(t, "rate_limit=1000 again", func() (bool, string) {
			return d.status(t).RateLimit == 1000, d.describe(t)
		})
	})

	t.Run("bad value rolled back", func(t *testing.T) {
		badRev := d.put(t, etcd, demo.FlagRateLimit, "0")
		d.waitFor(t, "the key rolled back to 1000 in etcd", func() (bool, string) {
			kv := d.get(t, etcd, demo.FlagRateLimit)
			return kv != nil && string(kv.Value) == "1000" && kv.ModRevision > badRev, fmt.Sprint(kv)
		})
		f := d.flag(t, demo.FlagRateLimit)
		if f.Value != "1000" || f.LastRejection == nil || f.LastRejection.Value != "0" || f.LastRejection.Revision != badRev {
			t.Errorf("rate_limit on the page = %+v (rejection %+v), want 1000 kept and 0 rejected at revision %d", f, f.LastRejection, badRev)
		}
		if st := d.status(t); st.RateLimit != 1000 {
			t.Errorf("GET / rate_limit = %d, want 1000 kept", st.RateLimit)
		}
	})

	t.Run("delete returns the default", func(t *testing.T) {
		d.del(t, etcd, demo.FlagGreeting)
		d.del(t, etcd, demo.FlagShout)
		d.waitFor(t, "the default greeting back", func() (bool, string) {
			st := d.status(t)
			return d.flagValue(t, demo.FlagGreeting) == demo.DefaultGreeting &&
				st.Greeting == demo.DefaultGreeting && !st.Shout, d.describe(t)
		})
	})

	etcd.Close()
	d.stop(t)
}

// buildDemo compiles examples/server into a temporary directory, with the
// race detector when the test runs under it (a race then fails the exit
// code check: the detector exits with 66).
func buildDemo(t *testing.T) string {
	t.Helper()
	defer func(start time.Time) { t.Logf("go build: %v", time.Since(start).Round(time.Millisecond)) }(time.Now())
	bin := filepath.Join(t.TempDir(), "server")
	args := []string{"build", "-o", bin}
	if raceEnabled {
		args = append(args, "-race")
	}
	ctx, cancel := context.WithTimeout(t.Context(), buildTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", append(args, ".")...).CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runningDemo is the demo process and what it printed.
type runningDemo struct {
	cmd      *exec.Cmd
	stderr   *lockedBuffer
	exited   chan struct{} // closed when the process has exited
	exitErr  error         // valid after exited is closed
	baseURL  string
	debugURL string
	endpoint string
	http     *http.Client
}

var (
	serviceLine  = regexp.MustCompile(`^\s+service\s+(http://\S+)/$`)
	debugLine    = regexp.MustCompile(`^\s+debug page\s+(http://\S+)$`)
	etcdLine     = regexp.MustCompile(`^\s+etcd\s+(http://\S+)\s`)
	dataDirField = regexp.MustCompile(`data_dir=(\S+)`)
)

// startDemo starts the binary and reads the URLs it prints.
func startDemo(t *testing.T, bin string, args ...string) *runningDemo {
	t.Helper()
	d := &runningDemo{
		cmd:    exec.Command(bin, args...),
		stderr: &lockedBuffer{},
		exited: make(chan struct{}),
		http:   &http.Client{Timeout: 5 * time.Second},
	}
	d.cmd.Stderr = d.stderr
	if os.Getenv("GORACE") == "" {
		// The race detector sleeps a second at exit unless told not to.
		d.cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0")
	}
	stdout, err := d.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	go func() {
		d.exitErr = d.cmd.Wait()
		close(d.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-d.exited:
		default:
			_ = d.cmd.Process.Kill()
			<-d.exited
		}
		if t.Failed() {
			t.Logf("demo's log:\n%s", d.stderr.String())
		}
	})

	started := time.Now()
	deadline := time.After(startTimeout)
	for d.baseURL == "" || d.debugURL == "" || d.endpoint == "" {
		select {
		case line, ok := <-lines:
			if !ok {
				<-d.exited
				t.Fatalf("the demo exited before printing its URLs: %v\n%s", d.exitErr, d.stderr.String())
			}
			if m := serviceLine.FindStringSubmatch(line); m != nil {
				d.baseURL = m[1]
			} else if m := debugLine.FindStringSubmatch(line); m != nil {
				d.debugURL = m[1]
			} else if m := etcdLine.FindStringSubmatch(line); m != nil {
				d.endpoint = m[1]
			}
		case <-deadline:
			t.Fatalf("the demo printed no URLs within %v\n%s", startTimeout, d.stderr.String())
		}
	}
	t.Logf("the demo printed its URLs %v after start", time.Since(started).Round(time.Millisecond))
	go func() { // keep draining standard output so the demo never blocks on it
		for range lines {
		}
	}()
	if d.debugURL != d.baseURL+debug.Path {
		t.Errorf("debug page at %s, want %s", d.debugURL, d.baseURL+debug.Path)
	}
	return d
}

func (d *runningDemo) etcdClient(t *testing.T) *clientv3.Client {
	t.Helper()
	c, err := clientv3.New(clientv3.Config{Endpoints: []string{d.endpoint}, DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func (d *runningDemo) put(t *testing.T, c *clientv3.Client, name, value string) (revision int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), waitTimeout)
	defer cancel()
	resp, err := c.Put(ctx, DefaultPrefix+"/"+name, value)
	if err != nil {
		t.Fatalf("put %s: %v", name, err)
	}
	return resp.Header.Revision
}

func (d *runningDemo) del(t *testing.T, c *clientv3.Client, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), waitTimeout)
	defer cancel()
	if _, err := c.Delete(ctx, DefaultPrefix+"/"+name); err != nil {
		t.Fatalf("delete %s: %v", name, err)
	}
}

// get returns the key of the flag name, or nil if it does not exist.
func (d *runningDemo) get(t *testing.T, c *clientv3.Client, name string) *mvccpb.KeyValue {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), waitTimeout)
	defer cancel()
	resp, err := c.Get(ctx, DefaultPrefix+"/"+name)
	if err != nil {
		t.Fatalf("get %s: %v", name, err)
	}
	if len(resp.Kvs) == 0 {
		return nil
	}
	return resp.Kvs[0]
}

// getJSON GETs path from the service and decodes a 200 answer into v.
func (d *runningDemo) getJSON(t *testing.T, path string, v any) int {
	t.Helper()
	resp, err := d.http.Get(d.baseURL + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	if resp.StatusCode == http.StatusOK && v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("GET %s: %v\n%s", path, err, body)
		}
	}
	return resp.StatusCode
}

// status is GET / (the zero Status while rate limited).
func (d *runningDemo) status(t *testing.T) demo.Status {
	t.Helper()
	var st demo.Status
	d.getJSON(t, "/", &st)
	return st
}

// flag reads one flag from /debug/flagz?format=json.
func (d *runningDemo) flag(t *testing.T, name string) debug.Flag {
	t.Helper()
	resp, err := d.http.Get(d.debugURL + "?format=json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page debug.Page
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		t.Fatalf("debug page JSON: %v", err)
	}
	for _, f := range page.Flags {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("no flag %q on the debug page", name)
	return debug.Flag{}
}

func (d *runningDemo) flagValue(t *testing.T, name string) string {
	t.Helper()
	return d.flag(t, name).Value
}

func (d *runningDemo) describe(t *testing.T) string {
	t.Helper()
	return fmt.Sprintf("GET / = %+v", d.status(t))
}

// waitFor polls cond until it holds, failing the test after waitTimeout
// with cond's last description of what it saw.
func (d *runningDemo) waitFor(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		ok, saw := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s; last saw %s", waitTimeout, what, saw)
		}
		select {
		case <-d.exited:
			t.Fatalf("the demo exited while waiting for %s: %v", what, d.exitErr)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// stop sends SIGTERM and expects a clean exit (code 0), with the embedded
// etcd's data directory removed.
func (d *runningDemo) stop(t *testing.T) {
	t.Helper()
	sent := time.Now()
	if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-d.exited:
	case <-time.After(exitTimeout):
		t.Fatalf("the demo did not exit within %v of SIGTERM", exitTimeout)
	}
	t.Logf("exited %v after SIGTERM", time.Since(sent).Round(time.Millisecond))
	if d.exitErr != nil {
		t.Fatalf("the demo exited with %v, want 0", d.exitErr)
	}
	m := dataDirField.FindStringSubmatch(d.stderr.String())
	if m == nil {
		t.Fatal("the demo did not log its etcd data directory")
	}
	if _, err := os.Stat(m[1]); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("etcd data directory %s still there after exit: %v", m[1], err)
	}
}

// lockedBuffer collects the demo's log; os/exec writes it from a goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

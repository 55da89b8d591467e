package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flagz-go/flagz/watcher/etcdtest"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// testPrefix is the flag prefix the tests' processes watch.
const testPrefix = "/flagz/test"

// testTimeout bounds a test's etcd requests and waits; only a failure
// takes that long.
const testTimeout = 30 * time.Second

// result is one run of the command.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return "exit " + strconv.Itoa(r.code) + "\nstdout:\n" + r.stdout + "\nstderr:\n" + r.stderr
}

// lockedBuffer is written by Run and read by a test while Run runs.
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

// flagzAt runs the command against endpoints with the test prefix.
func flagzAt(t *testing.T, endpoints []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	defer cancel()
	var stdout, stderr lockedBuffer
	all := []string{"--endpoints=" + strings.Join(endpoints, ","), "--prefix=" + testPrefix, "--command-timeout=2s", "--dial-timeout=1s"}
	all = append(all, args...) // later flags win
	code := Run(ctx, all, &stdout, &stderr)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// want fails the test unless r exited with code and its output holds
// every text.
func want(t *testing.T, r result, code int, texts ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit %d, want %d\n%v", r.code, code, r)
	}
	for _, text := range texts {
		if !strings.Contains(r.stdout+r.stderr, text) {
			t.Fatalf("output does not say %q\n%v", text, r)
		}
	}
}

// decode parses r's JSON output into v.
func decode(t *testing.T, r result, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
		t.Fatalf("JSON output: %v\n%v", err, r)
	}
}

func put(t *testing.T, c *clientv3.Client, name, value string) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	defer cancel()
	resp, err := c.Put(ctx, testPrefix+"/"+name, value)
	if err != nil {
		t.Fatalf("put %s: %v", name, err)
	}
	return resp.Header.Revision
}

// value returns the key of name's value, and whether it exists.
func value(t *testing.T, c *clientv3.Client, name string) (string, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	defer cancel()
	resp, err := c.Get(ctx, testPrefix+"/"+name)
	if err != nil {
		t.Fatalf("get %s: %v", name, err)
	}
	if len(resp.Kvs) == 0 {
		return "", false
	}
	return string(resp.Kvs[0].Value), true
}

// etcd starts an embedded etcd and returns it with a client.
func etcd(t *testing.T) (*etcdtest.Server, *clientv3.Client) {
	t.Helper()
	srv := etcdtest.Start(t)
	return srv, srv.Client(t)
}

package demotest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/flagz-go/flagz/debug"
	"github.com/flagz-go/flagz/examples/internal/demo"
)

// WaitTimeout bounds WaitFor.
const WaitTimeout = 30 * time.Second

var client = &http.Client{Timeout: 5 * time.Second}

// GetJSON GETs path from the service, decodes a 200 answer into v (unless
// v is nil), and returns the status code.
func (p *Process) GetJSON(t *testing.T, path string, v any) int {
	t.Helper()
	resp, err := client.Get(p.BaseURL + path)
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

// Status returns GET / (the zero Status while rate limited).
func (p *Process) Status(t *testing.T) demo.Status {
	t.Helper()
	var st demo.Status
	p.GetJSON(t, "/", &st)
	return st
}

// Page returns /debug/flagz?format=json.
func (p *Process) Page(t *testing.T) debug.Page {
	t.Helper()
	resp, err := client.Get(p.DebugURL + "?format=json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page debug.Page
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		t.Fatalf("debug page JSON: %v", err)
	}
	return page
}

// Flag returns one flag of the debug page.
func (p *Process) Flag(t *testing.T, name string) debug.Flag {
	t.Helper()
	for _, f := range p.Page(t).Flags {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("no flag %q on the debug page", name)
	return debug.Flag{}
}

// Describe says what GET / answers, for WaitFor's failure message.
func (p *Process) Describe(t *testing.T) string {
	t.Helper()
	return fmt.Sprintf("GET / = %+v", p.Status(t))
}

// WaitFor polls cond until it holds, failing the test after WaitTimeout
// with cond's last description of what it saw, or at once if the process
// exits.
func (p *Process) WaitFor(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(WaitTimeout)
	for {
		ok, saw := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s; last saw %s", WaitTimeout, what, saw)
		}
		select {
		case <-p.exited:
			t.Fatalf("the process exited while waiting for %s: %v", what, p.exitErr)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

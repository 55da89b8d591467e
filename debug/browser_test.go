//go:build browser

package debug_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/debug"
	"github.com/flagz-go/flagz/record"
)

// TestBrowserRendersFlagTable loads the page from a real server in Debian's
// chromium, headless: the DOM the browser built must hold the flag table,
// with the script-like value as text and no script run. It saves a
// screenshot in the test's temporary directory (and, if
// FLAGZ_BROWSER_ARTIFACTS names a directory, copies it there).
//
// Run with: go test -tags browser -run Browser ./debug/
// Needs: apt-get install -y chromium (or FLAGZ_CHROMIUM=/path/to/chrome).
func TestBrowserRendersFlagTable(t *testing.T) {
	chromium := os.Getenv("FLAGZ_CHROMIUM")
	if chromium == "" {
		var err error
		if chromium, err = exec.LookPath("chromium"); err != nil {
			t.Fatalf("the browser tag is set but chromium is not installed (apt-get install -y chromium): %v", err)
		}
	}
	f := newFixture(t, debug.WithSetter(tokenAuthorizer))
	flagz.DynString(f.fs, "api_key", "sk-0000", "API key").WithSensitive()
	flagz.DynString(f.fs, "mode", "auto", "operating mode")
	flagz.DynString(f.fs, "label", "", "a label")
	flagz.DynInt64(f.fs, "limit", 5, "a limit").WithValidator(flagz.ValidateDynInt64Range(1, 10))
	src := f.source("etcd")
	src.Update(41, map[string]string{"greeting": xss, "rate": "250", "limit": "0",
		"routing": `{"retries":3,"hosts":["db-1.internal","db-2.internal"]}`, "label": "invoice\u202Efdp.exe"})
	src.Update(42, map[string]string{"rate": "99999", "nosuchflag": "1", "port": "9999", "limit": "6"})
	src.SetState(record.StateServing, nil)
	if status, _, res := post(t, f, http.MethodPost, form("mode", "manual"), "X-Token", token); status != http.StatusOK {
		t.Fatalf("setter: %d %+v", status, res)
	}
	src.SetState(record.StateDegraded, errors.New("etcd unreachable"))
	src.SetState(record.StateServing, nil)
	url := f.url(debug.Path)

	dir := t.TempDir()
	run := func(args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
			"--disable-component-update", "--disable-sync", "--no-first-run",
			"--user-data-dir=" + filepath.Join(dir, "profile"), "--window-size=1280,900"}
		cmd := exec.CommandContext(ctx, chromium, append(append(base, args...), url)...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s %v: %v\n%s", chromium, args, err, stderr.String())
		}
		return string(out)
	}

	dom := run("--dump-dom")
	doc, err := html.Parse(strings.NewReader(dom))
	if err != nil {
		t.Fatalf("parsing the DOM chromium dumped: %v", err)
	}
	table := findElement(doc, func(n *html.Node) bool { return n.Data == "table" && attr(n, "id") == "flags" })
	if table == nil {
		t.Fatalf("no flag table in the rendered DOM:\n%s", dom)
	}
	rows := map[string]*html.Node{}
	for n := range table.Descendants() {
		if name := attr(n, "data-flag"); n.Type == html.ElementNode && name != "" {
			rows[name] = n
		}
	}
	for _, name := range []string{"api_key", "greeting", "port", "rate", "region", "routing"} {
		if rows[name] == nil {
			t.Errorf("flag %s has no row in the rendered table", name)
		}
	}
	if got := textOf(valuePre(rows["greeting"])); got != xss {
		t.Errorf("greeting renders as %q, want the text %q", got, xss)
	}
	if got := textOf(valuePre(rows["api_key"])); got != flagz.Redacted {
		t.Errorf("api_key renders as %q", got)
	}
	if findElement(doc, func(n *html.Node) bool { return n.Data == "script" }) != nil {
		t.Error("the rendered DOM holds a script element")
	}
	if strings.Contains(dom, "sk-0000") {
		t.Error("the sensitive default reached the browser")
	}

	// The parts an operator needs at 3 a.m. (issue 15) render.
	byID := func(id string) *html.Node {
		return findElement(doc, func(n *html.Node) bool { return attr(n, "id") == id })
	}
	if proc := textOf(byID("process")); !strings.Contains(proc, fmt.Sprintf("pid %d", os.Getpid())) || !strings.Contains(proc, "up for") {
		t.Errorf("process header %q", proc)
	}
	sources := textOf(byID("sources"))
	for _, want := range []string{"1names no flag has (1)nosuchflag @42", "state history (4)", "etcd unreachable", "SERVING for "} {
		if !strings.Contains(sources, want) {
			t.Errorf("the sources table lacks %q: %q", want, sources)
		}
	}
	cell := func(flag, class string) string {
		return textOf(findElement(rows[flag], func(n *html.Node) bool { return n.Data == "td" && attr(n, "class") == class }))
	}
	if pend := cell("port", "pend"); !strings.Contains(pend, "after a restart: 9999") || !strings.Contains(pend, "wins at next start") {
		t.Errorf("port's pending restart cell %q", pend)
	}
	if hist := cell("rate", "change"); !strings.Contains(hist, "history (") || !strings.Contains(hist, "refused from") {
		t.Errorf("rate's history cell %q", hist)
	}
	if got := textOf(valuePre(rows["label"])); got != `invoice\u202efdp.exe` {
		t.Errorf("a bidi control renders as %q, want it escaped", got)
	}
	if rej := cell("rate", "rej"); !strings.Contains(rej, "refusing now") || !strings.Contains(rej, "99999") {
		t.Errorf("rate's rejection cell %q, want it refusing now", rej)
	}
	if rej := cell("limit", "rej"); !strings.Contains(rej, "past") || !strings.Contains(rej, "superseded at revision 42") || strings.Contains(rej, "refusing now") {
		t.Errorf("limit's rejection cell %q, want it past", rej)
	}
	if value := cell("mode", "value"); !strings.Contains(value, "differs from its sources") {
		t.Errorf("mode's value cell %q", value)
	}
	if held := cell("greeting", "held"); !strings.Contains(held, "etcd @41") {
		t.Errorf("greeting's held-by cell %q", held)
	}
	form := findElement(doc, func(n *html.Node) bool { return n.Data == "form" && attr(n, "method") == "get" })
	if findElement(form, func(n *html.Node) bool { return n.Data == "input" && attr(n, "name") == "q" }) == nil {
		t.Error("no name filter form in the rendered DOM")
	}
	// The filter works in the browser, without a script.
	url = f.url(debug.Path + "?q=rat")
	filtered := run("--dump-dom")
	if !strings.Contains(filtered, `data-flag="rate"`) || strings.Contains(filtered, `data-flag="greeting"`) {
		t.Error("?q=rat does not filter the table in the browser")
	}
	url = f.url(debug.Path + "?refusing=true")
	if refusing := run("--dump-dom"); !strings.Contains(refusing, `data-flag="rate"`) || strings.Contains(refusing, `data-flag="limit"`) {
		t.Error("?refusing=true does not list exactly the flags refusing now in the browser")
	}
	url = f.url(debug.Path)

	shot := filepath.Join(dir, "page.png")
	run("--screenshot=" + shot)
	info, err := os.Stat(shot)
	if err != nil || info.Size() < 10_000 {
		t.Fatalf("screenshot %s: %v (size %v)", shot, err, info)
	}
	t.Logf("screenshot: %s (%d bytes)", shot, info.Size())
	if out := os.Getenv("FLAGZ_BROWSER_ARTIFACTS"); out != "" {
		data, err := os.ReadFile(shot)
		if err == nil {
			err = os.WriteFile(filepath.Join(out, "flagz-page.png"), data, 0o644)
		}
		if err != nil {
			t.Errorf("copying the screenshot to %s: %v", out, err)
		}
	}
}

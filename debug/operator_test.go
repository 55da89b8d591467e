package debug_test

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/debug"
	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/source"
)

// The tests of this file follow issue 15: what an operator must read on the
// page without guessing, each in HTML and in JSON.

func pageOf(t *testing.T, url string) (debug.Page, string) {
	t.Helper()
	_, _, body := get(t, url+"?format=json")
	_, _, html := get(t, url, "Accept", "text/html")
	return decodePage(t, body), html
}

func mustContain(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(text, want) {
			t.Errorf("%s lacks %q", what, want)
		}
	}
}

func sourceOf(t *testing.T, p debug.Page, name string) record.SourceStatus {
	t.Helper()
	for _, s := range p.Sources {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no source %q on the page", name)
	return record.SourceStatus{}
}

// Which process is this?
func TestPageSaysWhichProcess(t *testing.T) {
	f := newFixture(t)
	p, html := pageOf(t, f.url(debug.Path))
	host, _ := os.Hostname()
	pr := p.Process
	if pr.PID != os.Getpid() || pr.Host != host || pr.GoVersion != runtime.Version() {
		t.Errorf("process %+v, want pid %d host %q %s", pr, os.Getpid(), host, runtime.Version())
	}
	if pr.Started.IsZero() || pr.Started.After(p.Time) || pr.UptimeSeconds < 0 {
		t.Errorf("started %v, uptime %d, page read at %v", pr.Started, pr.UptimeSeconds, p.Time)
	}
	if pr.Module == "" { // a test binary has build information too
		t.Errorf("no main module in %+v", pr)
	}
	mustContain(t, "the HTML page", html, `id="process"`, fmt.Sprintf("pid <b class=\"mono\">%d</b>", os.Getpid()),
		"up for", runtime.Version(), host, "flag set <b class=\"mono\">"+p.FlagSet+"</b>")
}

// Which names were ignored?
func TestPageListsIgnoredNames(t *testing.T) {
	f := newFixture(t)
	src := f.source("etcd")
	src.Load(7, map[string]string{"nosuchflag": "1", "rate": "5"})
	src.Update(8, map[string]string{"other_unknown": "x"})
	p, html := pageOf(t, f.url(debug.Path))
	s := sourceOf(t, p, "etcd")
	if s.Ignored != 2 || len(s.IgnoredNames) != 2 {
		t.Fatalf("ignored %d, names %+v", s.Ignored, s.IgnoredNames)
	}
	if n := s.IgnoredNames[0]; n.Name != "other_unknown" || n.Revision != 8 || n.Time.IsZero() {
		t.Errorf("most recent ignored name %+v", n)
	}
	if n := s.IgnoredNames[1]; n.Name != "nosuchflag" || n.Revision != 7 {
		t.Errorf("first ignored name %+v", n)
	}
	mustContain(t, "the HTML page", html, `<td>2<details class="ignored"><summary>names no flag has (2)</summary>`, "<code>nosuchflag</code>", "@7,")
}

// What waits for a restart? Its own column, kept per source: a rejection
// from another source does not replace it, and the page says which value
// wins at the next start.
func TestPageShowsPendingRestartsPerSource(t *testing.T) {
	f := newFixture(t, debug.WithSetter(tokenAuthorizer))
	etcd := f.source("etcd")
	etcd.Load(1, map[string]string{})
	etcd.Update(2, map[string]string{"port": "9999"})
	other := f.source("other")
	other.Update(3, map[string]string{"rate": "not-a-number"})
	if status, _, res := post(t, f, http.MethodPost, form("rate", "-5"), "X-Token", token); status != http.StatusBadRequest {
		t.Fatalf("setter: %d %+v", status, res)
	}
	p, html := pageOf(t, f.url(debug.Path))
	port := flagOf(t, p, "port")
	if len(port.Pending) != 1 || port.Pending[0].Value != "9999" || port.Pending[0].Source != "etcd" ||
		port.Pending[0].Revision != 2 || !port.Pending[0].WinsAtRestart || port.Pending[0].CommandLine {
		t.Errorf("port pending %+v", port.Pending)
	}
	if port.LastRejection != nil {
		t.Errorf("a pending restart shows as a rejection: %+v", port.LastRejection)
	}
	if port.Value != "8080" {
		t.Errorf("port runs with %q", port.Value)
	}
	if r := flagOf(t, p, "rate").LastRejection; r == nil || r.Source != debug.SourceName {
		t.Errorf("rate's last rejection %+v, want the setter's", r)
	}
	mustContain(t, "the HTML page", html, "<th>Pending restart</th>",
		`after a restart: <code>9999</code>`, "wins at next start")
}

// Where does each value come from? The sources holding it, the setter's
// value that no source holds, the snapshot file served while the origin is
// down.
func TestPageShowsWhereValuesComeFrom(t *testing.T) {
	f := newFixture(t, debug.WithSetter(tokenAuthorizer))
	etcd := f.source("etcd")
	etcd.Load(4, map[string]string{"greeting": "hi", "rate": "7"})
	if status, _, res := post(t, f, http.MethodPost, form("greeting", "manual"), "X-Token", token); status != http.StatusOK {
		t.Fatalf("setter: %d %+v", status, res)
	}
	p, html := pageOf(t, f.url(debug.Path))
	g := flagOf(t, p, "greeting")
	if !g.DiffersFromSource || len(g.HeldBy) != 2 {
		t.Fatalf("greeting: differs %v, held by %+v", g.DiffersFromSource, g.HeldBy)
	}
	for _, h := range g.HeldBy {
		switch h.Source {
		case debug.SourceName:
			if h.Value != "manual" || !h.Matches {
				t.Errorf("setter's holding %+v", h)
			}
		case "etcd":
			if h.Value != "hi" || h.Matches || h.Revision != 4 {
				t.Errorf("etcd's holding %+v", h)
			}
		default:
			t.Errorf("unexpected holding %+v", h)
		}
	}
	if r := flagOf(t, p, "rate"); r.DiffersFromSource || len(r.HeldBy) != 1 || !r.HeldBy[0].Matches {
		t.Errorf("rate: differs %v, held by %+v", r.DiffersFromSource, r.HeldBy)
	}
	mustContain(t, "the HTML page", html, "differs from its sources", "<th>Held by</th>", `<span class="mono">etcd</span> @4: <code>hi</code>`)
}

// memOrigin is an origin in memory that can be down.
type memOrigin struct {
	mu     sync.Mutex
	values map[string]string
	down   bool
}

func (o *memOrigin) List(context.Context) (source.Snapshot, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.down {
		return source.Snapshot{}, fmt.Errorf("origin down")
	}
	return source.Snapshot{Revision: 12, Values: maps.Clone(o.values)}, nil
}

func (o *memOrigin) Follow(ctx context.Context, _ int64, sink source.Sink) error {
	sink.Serving()
	<-ctx.Done()
	return ctx.Err()
}

func TestPageMarksValuesFromTheSnapshotFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flags.snapshot")
	cfg := source.Config{Name: "mem", SnapshotFile: path, Logger: slog.New(slog.DiscardHandler)}
	o := &memOrigin{values: map[string]string{"greeting": "from-origin"}}
	first := newFlagSet(t)
	flagz.DynString(first, "greeting", "hello", "")
	r, err := source.New(first, o, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Initialize(t.Context()); err != nil {
		t.Fatal(err)
	}
	// The process restarts while the origin is down.
	o.down = true
	fs := newFlagSet(t)
	flagz.DynString(fs, "greeting", "hello", "")
	r, err = source.New(fs, o, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Initialize(t.Context()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(debug.NewHandler(fs, debug.WithLogger(slog.New(slog.DiscardHandler))))
	t.Cleanup(srv.Close)
	p, html := pageOf(t, srv.URL)
	s := sourceOf(t, p, "mem")
	if s.Snapshot == nil || s.Snapshot.Path != path || s.Snapshot.Written.IsZero() || s.Snapshot.Revision != 12 {
		t.Errorf("source snapshot %+v", s.Snapshot)
	}
	g := flagOf(t, p, "greeting")
	if len(g.HeldBy) != 1 || g.HeldBy[0].Snapshot == nil || g.HeldBy[0].Snapshot.Path != path || g.HeldBy[0].Value != "from-origin" {
		t.Errorf("greeting held by %+v", g.HeldBy)
	}
	mustContain(t, "the HTML page", html, "from the snapshot file "+path, "the source has not answered yet",
		`<div class="snap" title="`+path+`">from the snapshot file, written `)

	// Once the origin answers, the mark goes.
	o.mu.Lock()
	o.down = false
	o.mu.Unlock()
	if _, err := r.Initialize(t.Context()); err != nil {
		t.Fatal(err)
	}
	p, html = pageOf(t, srv.URL)
	if s := sourceOf(t, p, "mem"); s.Snapshot != nil {
		t.Errorf("still marked as from the file: %+v", s.Snapshot)
	}
	if strings.Contains(html, "snapshot file") {
		t.Error("the HTML page still speaks of the snapshot file")
	}
}

// History: the last changes and rejections of a flag; the states of a
// source, in sentences.
func TestPageShowsHistory(t *testing.T) {
	f := newFixture(t)
	etcd := f.source("etcd")
	etcd.Load(1, map[string]string{"rate": "10"})
	etcd.Update(2, map[string]string{"rate": "20"})
	etcd.Update(3, map[string]string{"rate": "99999"}) // out of range
	etcd.SetState(record.StateServing, nil)
	etcd.SetState(record.StateDegraded, fmt.Errorf("etcd unreachable"))
	etcd.SetState(record.StateServing, nil)
	p, html := pageOf(t, f.url(debug.Path))
	h := flagOf(t, p, "rate").History
	if len(h) != 3 {
		t.Fatalf("history %+v", h)
	}
	if h[0].Result != record.Applied || h[0].Old != "100" || h[0].New != "10" || h[1].New != "20" || h[1].Revision != 2 {
		t.Errorf("changes %+v", h[:2])
	}
	if h[2].Result != record.Rejected || h[2].New != "99999" || h[2].Reason == "" {
		t.Errorf("rejection %+v", h[2])
	}
	s := sourceOf(t, p, "etcd")
	if len(s.History) != 4 {
		t.Fatalf("state history %+v", s.History)
	}
	deg := s.History[2]
	if deg.State != record.StateDegraded || deg.Err != "etcd unreachable" || deg.Until.IsZero() {
		t.Errorf("degraded span %+v", deg)
	}
	if cur := s.History[3]; cur.State != record.StateServing || !cur.Until.IsZero() {
		t.Errorf("current span %+v", cur)
	}
	long := strings.Repeat("x", 500)
	etcd.Update(4, map[string]string{"greeting": long})
	if _, _, page := get(t, f.url(debug.Path), "Accept", "text/html"); strings.Count(page, long) != 1 || !strings.Contains(page, strings.Repeat("x", 120)+"…") {
		t.Errorf("a long value shows %d times in full, want once (the value) and cut in the history and held-by", strings.Count(page, long))
	}
	mustContain(t, "the HTML page", html, "history (3)", "<code>100</code> → <code>10</code>", "refused from",
		"state history (4)", "etcd unreachable", `<span class="state-for">for `, "(since ")
	if strings.Contains(html, "ago ago") || strings.Contains(html, "for just now") {
		t.Error("a duration does not read as a sentence")
	}
}

// Finding a flag: a name filter that needs no script, and JSON values
// beside their default with the difference.
func TestPageFiltersByName(t *testing.T) {
	f := newFixture(t)
	_, _, body := get(t, f.url(debug.Path+"?format=json&q=RAT"))
	p := decodePage(t, body)
	if len(p.Flags) != 1 || p.Flags[0].Name != "rate" || p.Filter.Query != "RAT" || p.Paging.Matched != 1 {
		t.Errorf("q=RAT kept %d flags (%+v), filter %+v", len(p.Flags), p.Paging, p.Filter)
	}
	_, _, html := get(t, f.url(debug.Path+"?q=eg&type=static"), "Accept", "text/html")
	mustContain(t, "the filtered HTML page", html, `<form class="find" method="get"`, `name="q" value="eg"`,
		`<input type="hidden" name="type" value="static">`, `data-flag="region"`)
	if strings.Contains(html, `data-flag="greeting"`) || strings.Contains(html, `data-flag="rate"`) {
		t.Error("the filter let other flags through")
	}
	_, _, html = get(t, f.url(debug.Path+"?q=nothing-like-it"), "Accept", "text/html")
	mustContain(t, "the empty page", html, "No flag matches this filter.")
}

func TestPageShowsJSONDifferenceFromDefault(t *testing.T) {
	f := newFixture(t)
	f.source("etcd").Update(1, map[string]string{"routing": `{"retries":3,"hosts":["a","b"]}`})
	p, html := pageOf(t, f.url(debug.Path))
	d := flagOf(t, p, "routing").JSONDiff
	want := []debug.JSONDiff{{Path: "/hosts", Default: []byte(`["a"]`), Value: []byte(`["a","b"]`)}, {Path: "/retries", Default: []byte("1"), Value: []byte("3")}}
	if fmt.Sprint(d) != fmt.Sprint(want) {
		t.Errorf("diff %s, want %s", d, want)
	}
	if d := flagOf(t, p, "rate").JSONDiff; d != nil {
		t.Errorf("a text flag has a JSON diff: %+v", d)
	}
	mustContain(t, "the HTML page", html, `<code>/retries</code>: <code>1</code> → <code>3</code>`, `<code>/hosts</code>: <code>[&#34;a&#34;]</code> → <code>[&#34;a&#34;,&#34;b&#34;]</code>`)
}

// Thousands of flags are paged on the server.
func TestPagePagesFlags(t *testing.T) {
	f := newFixture(t)
	for i := range 25 {
		flagz.DynInt64(f.fs, fmt.Sprintf("zz_%02d", i), 0, "")
	}
	_, _, body := get(t, f.url(debug.Path+"?format=json&q=zz_&limit=10&page=3"))
	p := decodePage(t, body)
	if len(p.Flags) != 5 || p.Flags[0].Name != "zz_20" || p.Paging != (debug.Paging{Page: 3, Limit: 10, Matched: 25, Pages: 3}) {
		t.Errorf("page 3: %d flags from %v, paging %+v", len(p.Flags), p.Flags, p.Paging)
	}
	_, _, body = get(t, f.url(debug.Path+"?format=json"))
	if p := decodePage(t, body); p.Paging.Limit != 0 || len(p.Flags) != p.Paging.Matched || p.Paging.Matched != 30 {
		t.Errorf("JSON without a limit: %d flags, paging %+v", len(p.Flags), p.Paging)
	}
	_, _, html := get(t, f.url(debug.Path+"?q=zz_&limit=10&page=2"), "Accept", "text/html")
	mustContain(t, "page 2", html, "flags 11–20 of 25 · page 2 of 3", `href="?limit=10&amp;q=zz_" rel="prev"`,
		`href="?limit=10&amp;page=3&amp;q=zz_" rel="next"`, `data-flag="zz_10"`, `data-flag="zz_19"`)
	if strings.Contains(html, `data-flag="zz_09"`) || strings.Contains(html, `data-flag="zz_20"`) {
		t.Error("page 2 shows flags of other pages")
	}
	_, _, html = get(t, f.url(debug.Path+"?q=zz_&limit=10&page=9"), "Accept", "text/html")
	mustContain(t, "a page past the last", html, "Page 9 is past the last page (3).")
	for _, q := range []string{"page=0", "limit=-1", "page=2", "page=x"} {
		if status, _, _ := get(t, f.url(debug.Path+"?format=json&"+q)); status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", q, status)
		}
	}
}

// Issue 11, item 10: invisible format characters cannot reorder or hide
// what the operator reads: the HTML shows them escaped; JSON carries the
// value as it is.
func TestPageEscapesInvisibleFormatCharacters(t *testing.T) {
	f := newFixture(t)
	value := "pay\u202Eexe.txt\u2066x\u2069\u200Bz\uFEFF\u200F\U000E0001"
	f.source("etcd").Update(1, map[string]string{"greeting": value, "bidi\u202Ename": "1"})
	p, html := pageOf(t, f.url(debug.Path))
	if g := flagOf(t, p, "greeting"); g.Value != value {
		t.Errorf("JSON value %q, want %q", g.Value, value)
	}
	for _, r := range html {
		if unicode.Is(unicode.Cf, r) {
			t.Fatalf("the HTML page holds the invisible character %U", r)
		}
	}
	mustContain(t, "the HTML page", html, `pay\u202eexe.txt\u2066x\u2069\u200bz\ufeff\u200f\U000e0001`, `<code>bidi\u202ename</code>`)
}

// The new parts of the page hold no sensitive value: history, held-by,
// pending, JSON difference.
func TestPageNewPartsRedactSensitiveValues(t *testing.T) {
	f := newFixture(t, debug.WithSetter(tokenAuthorizer))
	flagz.DynJSON(f.fs, "creds", &map[string]string{"user": "u"}, "").WithSensitive()
	f.fs.String("dsn", "d", "")
	flagz.MarkSensitive(f.fs, "dsn")
	etcd := f.source("etcd")
	etcd.Load(1, map[string]string{"creds": `{"user":"s3cr3t-1"}`, "dsn": "s3cr3t-dsn"})
	etcd.Update(2, map[string]string{"creds": `{"user":"s3cr3t-2"}`, "dsn": "s3cr3t-dsn-2"})
	etcd.Update(3, map[string]string{"creds": `not json s3cr3t-3`})
	if status, _, res := post(t, f, http.MethodPost, form("creds", `{"user":"s3cr3t-4"}`), "X-Token", token); status != http.StatusOK {
		t.Fatalf("setter: %d %+v", status, res)
	}
	_, _, body := get(t, f.url(debug.Path+"?format=json"))
	_, _, html := get(t, f.url(debug.Path), "Accept", "text/html")
	for what, text := range map[string]string{"JSON": body, "HTML": html} {
		if strings.Contains(text, "s3cr3t") {
			t.Errorf("the %s page shows a sensitive value", what)
		}
	}
	p := decodePage(t, body)
	c := flagOf(t, p, "creds")
	if len(c.History) != 4 || len(c.HeldBy) != 2 || c.JSONDiff != nil || !c.DiffersFromSource {
		t.Errorf("creds: history %+v, held by %+v, diff %+v, differs %v", c.History, c.HeldBy, c.JSONDiff, c.DiffersFromSource)
	}
	if d := flagOf(t, p, "dsn"); len(d.Pending) != 1 || d.Pending[0].Value != flagz.Redacted {
		t.Errorf("dsn pending %+v", d.Pending)
	}
}

package debug_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/debug"
	"github.com/flagz-go/flagz/record"
)

const xss = `<script>alert(1)</script>`

func TestPageRendersScriptValueInert(t *testing.T) {
	f := newFixture(t)
	rep := f.source("etcd").Update(7, map[string]string{"greeting": xss})
	if rep.Count(record.Applied) != 1 {
		t.Fatalf("update: %v", rep)
	}
	status, hdr, body := get(t, f.url(debug.Path), "Accept", "text/html")
	if status != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") {
		t.Fatalf("status %d, content type %q", status, hdr.Get("Content-Type"))
	}
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && n.Data == "script" {
			t.Fatalf("the page holds a <script> element: %s", body)
		}
		if n.Type == html.ElementNode && (n.Data == "link" || n.Data == "img") {
			t.Errorf("the page loads an external resource: <%s>", n.Data)
		}
	}
	row := findElement(doc, func(n *html.Node) bool { return attr(n, "data-flag") == "greeting" })
	if row == nil {
		t.Fatalf("no row for flag greeting: %s", body)
	}
	cell := valuePre(row)
	if got := textOf(cell); got != xss {
		t.Fatalf("value cell text = %q, want the value %q as text", got, xss)
	}
	if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("Content-Security-Policy = %q, want default-src 'none'", csp)
	}
}

func TestPageShowsFlagsSourcesAndChecksums(t *testing.T) {
	f := newFixture(t)
	e := flagz.EngineFor(f.fs)
	f.source("etcd").Update(42, map[string]string{"rate": "250"})
	f.source("etcd").Update(43, map[string]string{"rate": "-5"})
	p := getPage(t, f, "")
	if want := []string{"greeting", "port", "rate", "region", "routing"}; !slices.Equal(names(p), want) {
		t.Fatalf("flags %v, want %v", names(p), want)
	}
	rate := flagOf(t, p, "rate")
	if rate.Value != "250" || rate.Default != "100" || !rate.Changed || !rate.Dynamic || rate.Type != "dyn_int64" {
		t.Errorf("rate = %+v", rate)
	}
	if c := rate.LastChange; c == nil || c.Source != "etcd" || c.Revision != 42 || c.Old != "100" || c.New != "250" {
		t.Errorf("rate last change = %+v", c)
	}
	if r := rate.LastRejection; r == nil || r.Value != "-5" || r.Revision != 43 || !strings.Contains(r.Reason, "not in range") {
		t.Errorf("rate last rejection = %+v", r)
	}
	region := flagOf(t, p, "region")
	if region.Dynamic || region.Value != "us" || region.Default != "eu" || !region.Changed || region.Type != "string" {
		t.Errorf("region = %+v", region)
	}
	if got, want := p.Checksums.Dynamic, hex16(e.DynamicChecksum()); got != want {
		t.Errorf("dynamic checksum %s, want %s", got, want)
	}
	if got, want := p.Checksums.Static, hex16(e.StaticChecksum()); got != want {
		t.Errorf("static checksum %s, want %s", got, want)
	}
	var srcNames []string
	for _, s := range p.Sources {
		srcNames = append(srcNames, s.Name)
	}
	if !slices.Equal(srcNames, []string{"etcd", "file"}) {
		t.Fatalf("sources %v", srcNames)
	}
	etcd, file := p.Sources[0], p.Sources[1]
	if etcd.State != record.StateConnecting || etcd.LastRevision != 43 || etcd.Applied != 1 || etcd.Rejected != 1 || etcd.LastSync.IsZero() {
		t.Errorf("etcd source = %+v", etcd)
	}
	if file.State != record.StateServing || file.LastRevision != 1 {
		t.Errorf("file source = %+v", file)
	}

	// The HTML page shows the same things.
	_, _, body := get(t, f.url(debug.Path))
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{p.Checksums.Dynamic, p.Checksums.Static, "SERVING", "CONNECTING", "not in range"} {
		if !strings.Contains(textOf(doc), want) {
			t.Errorf("page text lacks %q", want)
		}
	}
}

func TestPagePrettyPrintsJSONValues(t *testing.T) {
	f := newFixture(t)
	f.source("etcd").Update(1, map[string]string{"routing": `{"retries":3,"hosts":["x","y"]}`})
	_, _, body := get(t, f.url(debug.Path))
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	row := findElement(doc, func(n *html.Node) bool { return attr(n, "data-flag") == "routing" })
	cell := valuePre(row)
	want := "{\n  \"retries\": 3,\n  \"hosts\": [\n    \"x\",\n    \"y\"\n  ]\n}"
	if got := textOf(cell); got != want {
		t.Fatalf("routing value shown as\n%s\nwant\n%s", got, want)
	}
	// JSON keeps the flag's own text.
	if got := flagOf(t, getPage(t, f, ""), "routing").Value; got != `{"retries":3,"hosts":["x","y"]}` {
		t.Errorf("JSON value %q", got)
	}
}

func TestJSONSchemaRoundTrips(t *testing.T) {
	f := newFixture(t)
	f.source("etcd").Update(5, map[string]string{"rate": "7", "greeting": "héllo \"q\" <b>"})
	f.source("etcd").Update(6, map[string]string{"rate": "x"})
	f.source("etcd").Remove(8, "greeting")
	for _, header := range [][]string{{"Accept", "application/json"}, {"Accept", "application/json, text/html;q=0.9"}} {
		status, hdr, body := get(t, f.url(debug.Path), header...)
		if status != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
			t.Fatalf("Accept %q: status %d, content type %q", header[1], status, hdr.Get("Content-Type"))
		}
		p := decodePage(t, body) // unknown fields are an error
		again, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		p2 := decodePage(t, string(again))
		if !reflect.DeepEqual(p, p2) {
			t.Fatalf("round trip differs:\n%+v\n%+v", p, p2)
		}
		// Every field of the document decodes into the schema: compare as
		// generic JSON too, so that a field dropped by the structs shows.
		var raw1, raw2 any
		if err := json.Unmarshal([]byte(body), &raw1); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(again, &raw2); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(raw1, raw2) {
			t.Fatalf("generic JSON differs after a round trip:\n%s\n%s", body, again)
		}
		g := flagOf(t, p, "greeting")
		if g.LastChange == nil || !g.LastChange.Removed || g.Value != "hello" || g.Changed {
			t.Errorf("greeting after removal = %+v", g)
		}
		if r := flagOf(t, p, "rate").LastRejection; r == nil || r.Value != "x" || !strings.Contains(r.Reason, "not a valid dyn_int64") {
			t.Errorf("rate rejection = %+v", r)
		}
	}
	// A browser's Accept header gets HTML.
	_, hdr, _ := get(t, f.url(debug.Path), "Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	if !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") {
		t.Errorf("browser Accept got %q", hdr.Get("Content-Type"))
	}
}

func TestFilters(t *testing.T) {
	f := newFixture(t)
	f.source("etcd").Update(1, map[string]string{"rate": "5"})
	cases := []struct {
		query string
		want  []string
	}{
		{"", []string{"greeting", "port", "rate", "region", "routing"}},
		{"only_changed=false", []string{"greeting", "port", "rate", "region", "routing"}},
		{"only_changed=true", []string{"rate", "region"}},
		{"type=dynamic", []string{"greeting", "rate", "routing"}},
		{"type=static", []string{"port", "region"}},
		{"only_changed=true&type=dynamic", []string{"rate"}},
		{"only_changed=true&type=static", []string{"region"}},
	}
	for _, c := range cases {
		p := getPage(t, f, c.query)
		if !slices.Equal(names(p), c.want) {
			t.Errorf("?%s: flags %v, want %v", c.query, names(p), c.want)
		}
	}
	if p := getPage(t, f, "only_changed=true&type=static"); p.Filter != (debug.Filter{OnlyChanged: true, Type: "static"}) {
		t.Errorf("filter echoed as %+v", p.Filter)
	}
	for _, q := range []string{"only_changed=maybe", "type=secret", "format=xml"} {
		if status, _, body := get(t, f.url(debug.Path+"?"+q)); status != http.StatusBadRequest {
			t.Errorf("?%s: status %d, want 400: %s", q, status, body)
		}
	}
	// The HTML page filters the same way.
	_, _, body := get(t, f.url(debug.Path+"?only_changed=true&type=dynamic"))
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for n := range doc.Descendants() {
		if v := attr(n, "data-flag"); v != "" {
			rows = append(rows, v)
		}
	}
	if !slices.Equal(rows, []string{"rate"}) {
		t.Errorf("HTML rows %v, want [rate]", rows)
	}
}

func TestPageMethods(t *testing.T) {
	f := newFixture(t)
	req, _ := http.NewRequest(http.MethodPost, f.url(debug.Path), strings.NewReader("name=rate&value=1"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	status, hdr, _ := do(t, req)
	if status != http.StatusMethodNotAllowed || hdr.Get("Allow") != "GET, HEAD" {
		t.Fatalf("POST on the page: status %d, Allow %q", status, hdr.Get("Allow"))
	}
	req, _ = http.NewRequest(http.MethodHead, f.url(debug.Path), nil)
	if status, _, _ := do(t, req); status != http.StatusOK {
		t.Fatalf("HEAD: status %d", status)
	}
}

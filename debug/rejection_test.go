package debug_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/debug"
	"github.com/flagz-go/flagz/record"
)

// rawFlags fetches the JSON page with query and returns each flag's
// object by name, as a script reading the page sees it.
func rawFlags(t *testing.T, f *fixture, query string) map[string]map[string]any {
	t.Helper()
	status, _, body := get(t, f.url(debug.Path+"?format=json&"+query))
	if status != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", query, status, body)
	}
	var page struct{ Flags []map[string]any }
	if err := json.Unmarshal([]byte(body), &page); err != nil {
		t.Fatalf("decoding page: %v\n%s", err, body)
	}
	out := map[string]map[string]any{}
	for _, fl := range page.Flags {
		out[fl["name"].(string)] = fl
	}
	return out
}

// rejectionCell returns the last-rejection element of the flag's row on
// the HTML page doc, and whether it reads as current or past.
func rejectionCell(t *testing.T, doc *html.Node, name string) (*html.Node, string) {
	t.Helper()
	row := findElement(doc, func(n *html.Node) bool { return attr(n, "data-flag") == name })
	if row == nil {
		t.Fatalf("no row for flag %s", name)
	}
	cell := findElement(row, func(n *html.Node) bool { return n.Data == "td" && attr(n, "class") == "rej" })
	el := findElement(cell, func(n *html.Node) bool { return attr(n, "data-rejection") != "" })
	if el == nil {
		return nil, "" // no rejection shown, or shown without saying whether it is current
	}
	return el, attr(el, "data-rejection")
}

func htmlPage(t *testing.T, f *fixture, query string) *html.Node {
	t.Helper()
	status, _, body := get(t, f.url(debug.Path+"?"+query), "Accept", "text/html")
	if status != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", query, status, body)
	}
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// A refused value that a later value of the same source superseded is a
// past rejection on the page and in JSON (issue 25: it stayed red beside
// the new value while `flagz status` said "converged, no rejection"). One
// no later value ended is current, a later value of another source
// included.
func TestRejectionSupersededIsPast(t *testing.T) {
	f := newFixture(t)
	for _, name := range []string{"limit", "burst", "workers", "depth", "mode", "gate", "cap"} {
		flagz.DynInt64(f.fs, name, 7, "a number from 1 to 100").WithValidator(flagz.ValidateDynInt64Range(1, 100))
	}
	etcd, file, manual := f.source("etcd"), f.source("file"), f.source("manual")
	mustBe := func(rep flagz.Report, name string, want record.Result) {
		t.Helper()
		if o, _ := rep.Outcome(name); o.Result != want {
			t.Fatalf("%s: %v, want %v", name, o.Result, want)
		}
	}
	// rate: refused, then a good value from the same source.
	mustBe(etcd.Update(10, map[string]string{"rate": "-5"}), "rate", record.Rejected)
	mustBe(etcd.Update(11, map[string]string{"rate": "300"}), "rate", record.Applied)
	// limit: refused, nothing since.
	mustBe(etcd.Update(12, map[string]string{"limit": "500"}), "limit", record.Rejected)
	// burst: refused; another source's value took effect since, but etcd
	// still offers the refused one.
	mustBe(etcd.Update(13, map[string]string{"burst": "0"}), "burst", record.Rejected)
	mustBe(file.Update(14, map[string]string{"burst": "5"}), "burst", record.Applied)
	// workers: a good value, a refused one, then the good one back (a
	// rollback): nothing is applied, the flag holds it already.
	mustBe(etcd.Update(20, map[string]string{"workers": "9"}), "workers", record.Applied)
	mustBe(etcd.Update(21, map[string]string{"workers": "x"}), "workers", record.Rejected)
	mustBe(etcd.Update(22, map[string]string{"workers": "9"}), "workers", record.Unchanged)
	// cap: a good value, then a refused one from the same source.
	mustBe(etcd.Update(24, map[string]string{"cap": "9"}), "cap", record.Applied)
	mustBe(etcd.Update(25, map[string]string{"cap": "500"}), "cap", record.Rejected)
	// depth: refused, then the source drops the name (the flag is at its
	// default already).
	mustBe(etcd.Update(30, map[string]string{"depth": "1000"}), "depth", record.Rejected)
	mustBe(etcd.Remove(31, "depth"), "depth", record.Unchanged)
	// mode and gate: a source without revisions (as the setter) refuses,
	// then sets a good value, or the value the flag holds.
	mustBe(manual.Update(0, map[string]string{"mode": "-1"}), "mode", record.Rejected)
	mustBe(manual.Update(0, map[string]string{"mode": "3"}), "mode", record.Applied)
	mustBe(manual.Update(0, map[string]string{"gate": "-1"}), "gate", record.Rejected)
	mustBe(manual.Update(0, map[string]string{"gate": "7"}), "gate", record.Unchanged)

	want := map[string]struct {
		current bool
		by      float64 // superseded_by; 0: absent
	}{
		"rate": {false, 11}, "limit": {true, 0}, "burst": {true, 0}, "workers": {false, 22},
		"depth": {false, 0}, "mode": {false, 0}, "gate": {false, 0}, "cap": {true, 0},
	}
	flags := rawFlags(t, f, "")
	doc := htmlPage(t, f, "")
	for name, w := range want {
		rej, ok := flags[name]["last_rejection"].(map[string]any)
		if !ok {
			t.Errorf("%s: no last_rejection in %v", name, flags[name])
			continue
		}
		if cur, ok := rej["current"].(bool); !ok || cur != w.current {
			t.Errorf("%s: last_rejection.current = %v, want %v (%v)", name, rej["current"], w.current, rej)
		}
		by, has := rej["superseded_by"]
		if (w.by == 0 && has) || (w.by != 0 && by != w.by) {
			t.Errorf("%s: last_rejection.superseded_by = %v, want %v", name, by, w.by)
		}
		el, state := rejectionCell(t, doc, name)
		wantState, badge := "past", "past"
		if w.current {
			wantState, badge = "current", "refusing now"
		}
		if state != wantState || !strings.Contains(textOf(el), badge) {
			t.Errorf("%s on the HTML page: %q, %q; want %s", name, state, textOf(el), wantState)
		}
		if w.by != 0 && !strings.Contains(textOf(el), fmt.Sprintf("superseded at revision %d", int64(w.by))) {
			t.Errorf("%s on the HTML page: %q does not say what superseded it", name, textOf(el))
		}
	}
	// The typed form says the same.
	p := getPage(t, f, "")
	if r := flagOf(t, p, "rate").LastRejection; r == nil || r.Current || r.SupersededBy != 11 || r.Value != "-5" || r.Revision != 10 {
		t.Errorf("rate last rejection %+v", r)
	}
	if p.Refusing != 3 {
		t.Errorf("page refusing = %d, want 3 (burst, cap, limit)", p.Refusing)
	}
	// The refused value etcd holds for cap is not the running one.
	if c := flagOf(t, p, "cap"); len(c.HeldBy) != 1 || c.HeldBy[0].Value != "500" || c.HeldBy[0].Matches {
		t.Errorf("cap held by %+v", c.HeldBy)
	}
}

// ?refusing=true lists exactly the flags that refuse a value now, in JSON
// and on the HTML page, which links to it.
func TestRefusingFilter(t *testing.T) {
	f := newFixture(t)
	for _, name := range []string{"a_refusing", "b_past", "c_never"} {
		flagz.DynInt64(f.fs, name, 7, "a number from 1 to 100").WithValidator(flagz.ValidateDynInt64Range(1, 100))
	}
	etcd := f.source("etcd")
	etcd.Update(1, map[string]string{"a_refusing": "0", "b_past": "0", "rate": "0"})
	etcd.Update(2, map[string]string{"b_past": "8", "c_never": "9"})
	want := []string{"a_refusing", "rate"}

	p := getPage(t, f, "refusing=true")
	if got := names(p); !slices.Equal(got, want) {
		t.Errorf("?refusing=true lists %v, want %v", got, want)
	}
	if !p.Filter.Refusing || p.Refusing != len(want) || p.Paging.Matched != len(want) {
		t.Errorf("filter %+v, refusing %d, matched %d", p.Filter, p.Refusing, p.Paging.Matched)
	}
	if got := names(getPage(t, f, "refusing=1&q=rat")); !slices.Equal(got, []string{"rate"}) {
		t.Errorf("?refusing=1&q=rat lists %v, want [rate]", got)
	}
	if all := getPage(t, f, ""); all.Refusing != len(want) || len(all.Flags) <= len(want) {
		t.Errorf("unfiltered page: refusing %d of %d flags", all.Refusing, len(all.Flags))
	}

	doc := htmlPage(t, f, "refusing=true")
	var rows []string
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && attr(n, "data-flag") != "" {
			rows = append(rows, attr(n, "data-flag"))
		}
	}
	if !slices.Equal(rows, want) {
		t.Errorf("HTML ?refusing=true rows %v, want %v", rows, want)
	}
	link := findElement(htmlPage(t, f, ""), func(n *html.Node) bool {
		return n.Data == "a" && strings.Contains(attr(n, "href"), "refusing=true") && strings.Contains(textOf(n), "refusing now")
	})
	if link == nil {
		t.Error(`the page has no "refusing now" link`)
	}
	if card := findElement(doc, func(n *html.Node) bool { return attr(n, "id") == "refusing" }); textOf(card) != "2" {
		t.Errorf("refusing-now card reads %q, want 2", textOf(card))
	}
	// The name filter form keeps the refusing filter.
	hidden := findElement(doc, func(n *html.Node) bool { return n.Data == "input" && attr(n, "name") == "refusing" })
	if hidden == nil || attr(hidden, "value") != "true" {
		t.Error("the name filter form drops refusing=true")
	}
	if status, _, _ := get(t, f.url(debug.Path+"?refusing=maybe")); status != http.StatusBadRequest {
		t.Errorf("?refusing=maybe: status %d, want 400", status)
	}
}

// The reason of a refusal is text from the source (etcd): on the page it
// stays text, current or past, with invisible format characters escaped.
func TestRejectionReasonEscaped(t *testing.T) {
	f := newFixture(t)
	flagz.DynString(f.fs, "motd", "hi", "message of the day").WithValidator(func(s string) error {
		if strings.HasPrefix(s, "ok") {
			return nil
		}
		return fmt.Errorf("refused %s", s) // quotes the input, as parsers do
	})
	hostile := "<script>alert(1)</script><img src=x onerror=alert(2)>\u202eevil"
	etcd := f.source("etcd")
	etcd.Update(40, map[string]string{"motd": hostile})
	for _, state := range []string{"current", "past"} {
		if state == "past" {
			etcd.Update(41, map[string]string{"motd": "ok then"})
		}
		doc := htmlPage(t, f, "")
		for n := range doc.Descendants() {
			if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "img") {
				t.Fatalf("%s rejection: the page holds a <%s> element", state, n.Data)
			}
		}
		el, got := rejectionCell(t, doc, "motd")
		if got != state {
			t.Errorf("rejection is %q, want %q", got, state)
		}
		reason := findElement(el, func(n *html.Node) bool { return attr(n, "class") == "reason" })
		want := `refused <script>alert(1)</script><img src=x onerror=alert(2)>\u202eevil`
		if textOf(reason) != want {
			t.Errorf("%s rejection reason reads %q, want %q", state, textOf(reason), want)
		}
	}
}

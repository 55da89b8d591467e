package debug

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"github.com/flagz-go/flagz"
	"html/template"
	"io"
	"net/url"
	"time"
)

//go:embed page.html.tmpl
var pageTemplateText string

var pageTemplate = template.Must(template.New("page").Parse(pageTemplateText))

// view is what the HTML template renders: the page plus text prepared for
// display. html/template escapes every value it prints.
type view struct {
	Page
	Read      string
	Total     int
	Changed   int
	Flags     []flagView
	Sources   []sourceView
	Links     []link
	JSONLink  string
	Empty     bool
	Filtering bool
}

type flagView struct {
	Flag
	Kind      string
	Value     string // pretty-printed for JSON and proto values
	Default   string
	Multiline bool
	Change    *changeView
	Rejection *rejectionView
}

type changeView struct {
	Change
	Ago, When string
}

type rejectionView struct {
	Rejection
	Ago, When string
}

type sourceView struct {
	Source
	StateClass string
	Since      string
	SyncAgo    string
	SyncTime   string
}

type link struct {
	Label  string
	Href   string
	Active bool
}

func renderHTML(w io.Writer, page Page) error {
	now := page.Time
	v := view{Page: page, Read: page.Time.Format(time.RFC3339), Empty: len(page.Flags) == 0,
		Filtering: page.Filter != (Filter{})}
	for _, f := range page.Flags {
		fv := flagView{Flag: f, Kind: "static", Value: pretty(f, f.Value), Default: pretty(f, f.Default)}
		if f.Dynamic {
			fv.Kind = "dynamic"
		}
		if f.Changed {
			v.Changed++
		}
		fv.Multiline = bytes.ContainsRune([]byte(fv.Value), '\n') || bytes.ContainsRune([]byte(fv.Default), '\n')
		if c := f.LastChange; c != nil {
			fv.Change = &changeView{Change: *c, Ago: ago(now, c.Time), When: c.Time.Format(time.RFC3339Nano)}
		}
		if r := f.LastRejection; r != nil {
			fv.Rejection = &rejectionView{Rejection: *r, Ago: ago(now, r.Time), When: r.Time.Format(time.RFC3339Nano)}
		}
		v.Flags = append(v.Flags, fv)
	}
	v.Total = len(v.Flags)
	for _, s := range page.Sources {
		sv := sourceView{Source: s, StateClass: stateClass(s.State), Since: ago(now, s.Since), SyncAgo: "never"}
		if !s.LastSync.IsZero() {
			sv.SyncAgo, sv.SyncTime = ago(now, s.LastSync), s.LastSync.Format(time.RFC3339Nano)
		}
		v.Sources = append(v.Sources, sv)
	}
	v.Links = filterLinks(page.Filter)
	v.JSONLink = query(page.Filter, "json")
	var buf bytes.Buffer // render fully first, so that an error never leaves half a page
	if err := pageTemplate.Execute(&buf, v); err != nil {
		return fmt.Errorf("debug: executing the page template: %w", err)
	}
	_, err := buf.WriteTo(w)
	return err
}

// pretty indents the text of JSON and proto values; any other text, or text
// that is not JSON (a redacted value), is returned as it is.
func pretty(f Flag, text string) string {
	if f.Sensitive || f.Syntax == flagz.SyntaxText.String() {
		return text
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(text), "", "  "); err != nil {
		return text
	}
	return buf.String()
}

func stateClass(state string) string {
	switch state {
	case "SERVING":
		return "ok"
	case "DEGRADED":
		return "bad"
	}
	return "idle"
}

func filterLinks(cur Filter) []link {
	choices := []struct {
		label string
		f     Filter
	}{
		{"all", Filter{}},
		{"changed", Filter{OnlyChanged: true}},
		{"dynamic", Filter{Type: "dynamic"}},
		{"static", Filter{Type: "static"}},
		{"changed dynamic", Filter{OnlyChanged: true, Type: "dynamic"}},
	}
	links := make([]link, len(choices))
	for i, c := range choices {
		links[i] = link{Label: c.label, Href: query(c.f, ""), Active: c.f == cur}
	}
	return links
}

// query gives a relative URL (only a query string) for the filter, so that
// links work wherever the handler is mounted.
func query(f Filter, format string) string {
	q := url.Values{}
	if f.OnlyChanged {
		q.Set("only_changed", "true")
	}
	if f.Type != "" {
		q.Set("type", f.Type)
	}
	if format != "" {
		q.Set("format", format)
	}
	return "?" + q.Encode()
}

// ago says how long before now t was, roughly.
func ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < 0:
		return "just now"
	case d < time.Second:
		return "just now"
	case d < time.Minute:
		return fmt.Sprintf("%ds ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm ago", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd ago", int(d.Hours()/24))
}

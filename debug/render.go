package debug

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/internal/textcut"
	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/schema"
)

//go:embed page.html.tmpl
var pageTemplateText string

var pageTemplate = template.Must(template.New("page").Parse(pageTemplateText))

// view is what the HTML template renders: the page plus text prepared for
// display. html/template escapes every value it prints; renderHTML then
// shows invisible format characters escaped (see visible).
type view struct {
	Page
	Read         string
	RefusingLink string // the page of the flags refusing a value now
	Proc         processView
	Shown        int
	Flags        []flagView
	Sources      []sourceView
	Links        []link
	JSONLink     string
	Empty        bool
	Filtering    bool
	Hidden       []hiddenField // the filters besides q, kept by the filter form
	Pager        *pager
}

type processView struct {
	Process
	Started, Uptime, Revision string
}

type flagView struct {
	Flag
	// State is the flag's state as the engine recorded it (the template
	// reads its fields here: a field promoted through two embedded structs
	// costs a reflective search each time the template reads it).
	State *flagz.FlagState
	Kind  string
	// BehindSince is when the notifiers fell behind, if they are.
	BehindSince string
	Value       string // pretty-printed for JSON and proto values
	Default     string
	Multiline   bool
	Change      *changeView
	Rejection   *rejectionView
	Pending     []pendingView
	Held        []heldView
	History     []historyView
	Diffs       []diffView
}

type changeView struct {
	record.Change
	Ago, When string
}

type rejectionView struct {
	Rejection
	Ago, When string
	Past      string // for a past rejection, what ended it
}

type pendingView struct {
	record.Holding
	Ago, When string
}

type heldView struct {
	record.Holding
	Short        string // the value, cut to maxHeldText bytes
	Snapshot     string // a sentence saying the value comes from the snapshot file, if it does
	SnapshotPath string
}

type historyView struct {
	record.Change
	Applied                bool
	Class, Verb, Ago, When string
}

type diffView struct {
	Path, Default, Value string
}

type sourceView struct {
	record.SourceStatus
	StateClass string
	For        string // "for 1m"
	Since      string // "since 02:31:07"
	SyncAgo    string
	SyncTime   string
	Snapshot   string // a sentence naming the snapshot file served, if one is
	Problems   []problemView
	Spans      []spanView
	Unknown    []ignoredView // the ignored names
}

type spanView struct {
	record.StateSpan
	Class, Text string
}

type ignoredView struct {
	record.IgnoredName
	Ago, When string
}

type link struct {
	Label  string
	Href   string
	Active bool
}

type hiddenField struct{ Name, Value string }

type pager struct {
	Page, Pages, First, Last, Matched int
	Prev, Next                        string
}

func renderHTML(w io.Writer, page Page) error {
	now := page.Time
	v := view{Page: page, Read: page.Time.Format(time.RFC3339), Empty: len(page.Flags) == 0,
		Filtering: page.Filter != (Filter{}), Shown: len(page.Flags)}
	v.Proc = processView{Process: page.Process, Started: clock(now, page.Process.Started),
		Uptime: duration(time.Duration(page.Process.UptimeSeconds) * time.Second), Revision: page.Process.VCSRevision}
	if len(v.Proc.Revision) > 12 {
		v.Proc.Revision = v.Proc.Revision[:12]
	}
	for i := range page.Flags {
		v.Flags = append(v.Flags, newFlagView(now, &page.Flags[i]))
	}
	for _, s := range page.Sources {
		v.Sources = append(v.Sources, newSourceView(now, s))
	}
	v.Links = filterLinks(page.Filter)
	v.RefusingLink = query(Filter{Refusing: true}, Paging{}, "")
	v.JSONLink = query(page.Filter, Paging{}, "json")
	if page.Filter.OnlyChanged {
		v.Hidden = append(v.Hidden, hiddenField{"only_changed", "true"})
	}
	if page.Filter.Type != "" {
		v.Hidden = append(v.Hidden, hiddenField{"type", page.Filter.Type})
	}
	if page.Filter.Refusing {
		v.Hidden = append(v.Hidden, hiddenField{"refusing", "true"})
	}
	if pg := page.Paging; pg.Limit > 0 && pg.Limit != DefaultHTMLLimit {
		v.Hidden = append(v.Hidden, hiddenField{"limit", strconv.Itoa(pg.Limit)})
	}
	if pg := page.Paging; pg.Pages > 1 || pg.Page > 1 {
		p := &pager{Page: pg.Page, Pages: pg.Pages, Matched: pg.Matched}
		if len(page.Flags) > 0 {
			p.First = (pg.Page-1)*pg.Limit + 1
			p.Last = p.First + len(page.Flags) - 1
		}
		if pg.Page > 1 {
			p.Prev = query(page.Filter, Paging{Page: min(pg.Page-1, max(pg.Pages, 1)), Limit: pg.Limit}, "")
		}
		if pg.Page < pg.Pages {
			p.Next = query(page.Filter, Paging{Page: pg.Page + 1, Limit: pg.Limit}, "")
		}
		v.Pager = p
	}
	var buf bytes.Buffer // render fully first, so that an error never leaves half a page
	if err := pageTemplate.Execute(&buf, v); err != nil {
		return fmt.Errorf("debug: executing the page template: %w", err)
	}
	_, err := w.Write(visible(buf.Bytes()))
	return err
}

func newFlagView(now time.Time, f *Flag) flagView {
	fv := flagView{Flag: *f, State: &f.FlagState, Kind: "static", Value: pretty(f, f.Value), Default: pretty(f, f.Default)}
	if f.Dynamic {
		fv.Kind = "dynamic"
	}
	if t := f.NotifierBehindSince; !t.IsZero() {
		fv.BehindSince = t.Format("2006-01-02 15:04:05 MST")
	}
	fv.Multiline = strings.ContainsRune(fv.Value, '\n') || strings.ContainsRune(fv.Default, '\n')
	if c := f.LastChange; c != nil {
		fv.Change = &changeView{Change: *c, Ago: ago(now, c.Time), When: c.Time.Format(time.RFC3339Nano)}
	}
	if r := f.LastRejection; r != nil {
		fv.Rejection = &rejectionView{Rejection: *r, Ago: ago(now, r.Time), When: r.Time.Format(time.RFC3339Nano)}
		switch {
		case r.Current:
		case r.SupersededBy != 0:
			fv.Rejection.Past = fmt.Sprintf("superseded at revision %d", r.SupersededBy)
		default:
			fv.Rejection.Past = "superseded"
		}
	}
	for _, p := range f.Pending {
		fv.Pending = append(fv.Pending, pendingView{Holding: p, Ago: ago(now, p.Time), When: p.Time.Format(time.RFC3339Nano)})
	}
	for _, h := range f.HeldBy {
		hv := heldView{Holding: h, Short: textcut.Cut(h.Value, maxHeldText)}
		if s := h.Snapshot; s != nil {
			hv.Snapshot, hv.SnapshotPath = "from the snapshot file, written "+written(now, *s), s.Path
		}
		fv.Held = append(fv.Held, hv)
	}
	for i := len(f.History) - 1; i >= 0; i-- { // newest first
		e := f.History[i]
		e.Old, e.New = textcut.Cut(e.Old, maxHeldText), textcut.Cut(e.New, maxHeldText) // the whole values are in JSON
		hv := historyView{Change: e, Applied: e.Result == record.Applied, Ago: ago(now, e.Time), When: e.Time.Format(time.RFC3339Nano)}
		switch {
		case e.Result == record.Applied && e.Removed:
			hv.Class, hv.Verb = "ok", "removed by"
		case e.Result == record.Applied:
			hv.Class, hv.Verb = "ok", "set by"
		case e.Result == record.RestartRequired:
			hv.Class, hv.Verb = "idle", "waits for a restart, from"
		default:
			hv.Class, hv.Verb = "bad", "refused from"
		}
		fv.History = append(fv.History, hv)
	}
	for _, d := range f.JSONDiff {
		fv.Diffs = append(fv.Diffs, diffView{Path: d.Path, Default: rawText(d.Default), Value: rawText(d.Value)})
	}
	return fv
}

// maxHeldText bounds the text of a value in the held-by column and in a
// flag's history: the whole value is in the Value column and in JSON.
const maxHeldText = 120

func rawText(r json.RawMessage) string {
	if r == nil {
		return "(absent)"
	}
	return string(r)
}

func newSourceView(now time.Time, s record.SourceStatus) sourceView {
	sv := sourceView{SourceStatus: s, StateClass: stateClass(s.State), For: "for " + duration(now.Sub(s.Since)),
		Since: "since " + clock(now, s.Since), SyncAgo: "never"}
	if !s.LastSync.IsZero() {
		sv.SyncAgo, sv.SyncTime = ago(now, s.LastSync), s.LastSync.Format(time.RFC3339Nano)
	}
	if s.Snapshot != nil {
		sv.Snapshot = snapshotSentence(now, *s.Snapshot)
	}
	sv.Problems = problemViews(now, s.Problems)
	for i := len(s.History) - 1; i >= 0; i-- { // newest first
		sp := s.History[i]
		text := since(now, sp.Since)
		if !sp.Until.IsZero() {
			text = fmt.Sprintf("from %s to %s (%s)", clock(now, sp.Since), clock(now, sp.Until), duration(sp.Until.Sub(sp.Since)))
		}
		sv.Spans = append(sv.Spans, spanView{StateSpan: sp, Class: stateClass(sp.State), Text: text})
	}
	for _, n := range s.IgnoredNames {
		sv.Unknown = append(sv.Unknown, ignoredView{IgnoredName: n, Ago: ago(now, n.Time), When: n.Time.Format(time.RFC3339Nano)})
	}
	return sv
}

func snapshotSentence(now time.Time, s record.SnapshotOrigin) string {
	return fmt.Sprintf("from the snapshot file %s (written %s, revision %d): the source has not answered yet", s.Path, written(now, s), s.Revision)
}

// written says when a snapshot file was written: "03:19:23, 2m ago".
func written(now time.Time, s record.SnapshotOrigin) string {
	if s.Written.IsZero() {
		return "at an unknown time"
	}
	return clock(now, s.Written) + ", " + ago(now, s.Written)
}

// pretty indents the text of JSON and proto values; any other text, or text
// that is not JSON (a redacted value), is returned as it is.
func pretty(f *Flag, text string) string {
	if f.Sensitive || f.Syntax == schema.Text {
		return text
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(text), "", "  "); err != nil {
		return text
	}
	return buf.String()
}

func stateClass(state record.State) string {
	switch state {
	case record.StateServing:
		return "ok"
	case record.StateDegraded:
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
		{"refusing now", Filter{Refusing: true}},
	}
	links := make([]link, len(choices))
	for i, c := range choices {
		c.f.Query = cur.Query
		links[i] = link{Label: c.label, Href: query(c.f, Paging{}, ""), Active: c.f == cur}
	}
	return links
}

// query gives a relative URL (only a query string) for the filter and
// page, so that links work wherever the handler is mounted.
func query(f Filter, p Paging, format string) string {
	q := url.Values{}
	if f.OnlyChanged {
		q.Set("only_changed", "true")
	}
	if f.Type != "" {
		q.Set("type", f.Type)
	}
	if f.Query != "" {
		q.Set("q", f.Query)
	}
	if f.Refusing {
		q.Set("refusing", "true")
	}
	if p.Page > 1 {
		q.Set("page", strconv.Itoa(p.Page))
	}
	if p.Limit > 0 && p.Limit != DefaultHTMLLimit {
		q.Set("limit", strconv.Itoa(p.Limit))
	}
	if format != "" {
		q.Set("format", format)
	}
	return "?" + q.Encode()
}

// ago says how long before now t was, roughly: "1m ago".
func ago(now, t time.Time) string {
	d := now.Sub(t)
	if d < time.Second {
		return "just now"
	}
	return duration(d) + " ago"
}

// duration says how long d is, roughly: "45s", "1m", "2h05m", "3d".
func duration(d time.Duration) string {
	switch {
	case d < time.Second:
		return "less than a second"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

// since says when t was, as a sentence: "since 02:31:07, 1m ago".
func since(now, t time.Time) string {
	return "since " + clock(now, t) + ", " + ago(now, t)
}

// clock gives the time of day of t, with the date when it is not the day
// of now.
func clock(now, t time.Time) string {
	if y, m, d := t.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return t.Format("15:04:05")
	}
	return t.Format("2006-01-02 15:04:05")
}

package debug

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/flagz-go/flagz"
)

// DefaultHTMLLimit is how many flags the HTML page shows at once unless
// the limit query parameter says otherwise; JSON lists every flag unless
// told.
const DefaultHTMLLimit = 500

func (h *handler) servePage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	filter, err := parseFilter(q)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	asJSON, err := wantsJSON(q.Get("format"), r.Header.Get("Accept"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	paging, err := parsePaging(q, asJSON)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Vary", "Accept")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if asJSON {
		h.serveJSON(w, filter, paging)
		return
	}
	page := h.read(filter, paging)
	w.Header().Set("Content-Security-Policy", contentSecurityPolicy)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := renderHTML(w, page); err != nil {
		h.logger.Error("flagz debug: rendering the page failed", "err", err)
	}
}

// contentSecurityPolicy forbids every script and every external resource:
// the page needs only its inline style, and its filter form submits (GET)
// to the page itself.
const contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// head reads everything of the page but its flags.
func (h *handler) head(filter Filter, paging Paging) Page {
	now := time.Now()
	page := Page{
		FlagSet: h.engine.Name(),
		Time:    now,
		Process: process(now),
		Filter:  filter,
		Paging:  paging,
		Sources: h.engine.Sources(),
		Flags:   []Flag{},
	}
	if h.setter {
		page.Setter = &Setter{AllowedHosts: append([]string{}, h.hosts...)}
	}
	return page
}

// checksums reads the checksums, after the flags: under concurrent changes
// they may be newer than the table.
func (h *handler) checksums() Checksums {
	return newChecksums(h.engine.DynamicChecksum(), h.engine.StaticChecksum())
}

// counts are how many of the flags a filter keeps (on any page) differ
// from their default and refuse a value now.
type counts struct{ changed, refusing int }

// visit calls fn with every flag the filter keeps on the page paging
// selects, in name order, and fills in paging's counts. It returns the
// counts of the kept flags (on any page). fn runs under no lock of the
// engine (see flagz.Engine.VisitFlags); it must not call the engine.
func (h *handler) visit(filter Filter, paging *Paging, fn func(*flagz.FlagState)) (n counts) {
	first, last := 0, -1
	if paging.Limit > 0 {
		first = (paging.Page - 1) * paging.Limit
		last = first + paging.Limit
	}
	matched := 0
	h.engine.VisitFlags(func(st *flagz.FlagState) bool {
		if !filter.keeps(st) {
			return true
		}
		if st.Changed {
			n.changed++
		}
		if refusingNow(st) {
			n.refusing++
		}
		if matched >= first && (last < 0 || matched < last) {
			fn(st)
		}
		matched++
		return true
	})
	paging.Matched, paging.Pages = matched, 1
	if paging.Limit > 0 && matched > paging.Limit {
		paging.Pages = (matched + paging.Limit - 1) / paging.Limit
	}
	return n
}

// read builds the whole page, for HTML.
func (h *handler) read(filter Filter, paging Paging) Page {
	page := h.head(filter, paging)
	n := h.visit(filter, &page.Paging, func(st *flagz.FlagState) {
		f := newFlag(st, false)
		f.HeldBy = slices.Clone(st.HeldBy) // the visit reuses its array
		page.Flags = append(page.Flags, f)
	})
	page.Changed, page.Refusing = n.changed, n.refusing
	for i := range page.Flags { // after the visit: one pass for the JSON diffs
		page.Flags[i].JSONDiff = flagJSONDiff(&page.Flags[i].FlagState)
	}
	page.Checksums = h.checksums()
	return page
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// serveJSON writes the page as JSON. The flags are encoded one by one as
// the engine visits them, into a buffer (the network is written only once
// the visit is over, so a slow client holds nothing of the engine); no
// slice of every flag is built.
func (h *handler) serveJSON(w http.ResponseWriter, filter Filter, paging Paging) {
	flags := bufPool.Get().(*bytes.Buffer)
	defer putBuf(flags)
	flags.Reset()
	enc := json.NewEncoder(flags)
	var encErr error
	var flag Flag // one variable for every flag: Encode of a pointer boxes nothing
	page := h.head(filter, paging)
	n := h.visit(filter, &page.Paging, func(st *flagz.FlagState) {
		if flags.Len() > 0 {
			flags.WriteByte(',')
		}
		flag = newFlag(st, true)
		if err := enc.Encode(&flag); err != nil && encErr == nil {
			encErr = err
		}
	})
	page.Changed, page.Refusing = n.changed, n.refusing
	page.Checksums = h.checksums()
	head, err := json.Marshal(page) // ends in "flags":[]}
	if err == nil {
		err = encErr
	}
	if err != nil || !bytes.HasSuffix(head, []byte("[]}")) {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": fmt.Sprintf("encoding the page: %v", err)})
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	head = head[:len(head)-2]
	_, _ = w.Write(head) // the client went away; nothing left to tell it
	_, _ = w.Write([]byte("\n"))
	_, _ = flags.WriteTo(w)
	_, _ = w.Write([]byte("]}\n"))
}

func putBuf(b *bytes.Buffer) {
	if b.Cap() <= 64<<20 {
		bufPool.Put(b)
	}
}

func parseFilter(q url.Values) (Filter, error) {
	var f Filter
	if v := q.Get("only_changed"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return f, fmt.Errorf("only_changed=%q: want true or false", v)
		}
		f.OnlyChanged = b
	}
	switch v := q.Get("type"); v {
	case "", "all":
	case "dynamic", "static":
		f.Type = v
	default:
		return f, fmt.Errorf("type=%q: want dynamic or static", v)
	}
	if v := q.Get("refusing"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return f, fmt.Errorf("refusing=%q: want true or false", v)
		}
		f.Refusing = b
	}
	f.Query = strings.TrimSpace(q.Get("q"))
	if len(f.Query) > 256 {
		return f, fmt.Errorf("q: %d bytes, want at most 256", len(f.Query))
	}
	return f, nil
}

func parsePaging(q url.Values, asJSON bool) (Paging, error) {
	p := Paging{Page: 1, Limit: DefaultHTMLLimit}
	if asJSON {
		p.Limit = 0
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return p, fmt.Errorf("page=%q: want a page number from 1", v)
		}
		p.Page = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return p, fmt.Errorf("limit=%q: want a number of flags, 0 for all", v)
		}
		p.Limit = n
	}
	if p.Limit == 0 && p.Page != 1 {
		return p, fmt.Errorf("page=%d without a limit: there is only page 1", p.Page)
	}
	return p, nil
}

func (f Filter) keeps(st *flagz.FlagState) bool {
	if f.OnlyChanged && !st.Changed {
		return false
	}
	if f.Query != "" && !containsFold(st.Name, f.Query) {
		return false
	}
	if f.Refusing && !refusingNow(st) {
		return false
	}
	switch f.Type {
	case "dynamic":
		return st.Dynamic
	case "static":
		return !st.Dynamic
	}
	return true
}

// containsFold reports whether sub is within s, ignoring case, without
// allocating.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

// wantsJSON decides between the HTML page and JSON: the format parameter
// wins; otherwise JSON when the Accept header names application/json before
// (or without) text/html.
func wantsJSON(format, accept string) (bool, error) {
	switch format {
	case "json":
		return true, nil
	case "html":
		return false, nil
	case "":
	default:
		return false, fmt.Errorf("format=%q: want json or html", format)
	}
	for _, part := range strings.Split(accept, ",") {
		mediaType, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		switch strings.ToLower(strings.TrimSpace(mediaType)) {
		case "application/json":
			return true, nil
		case "text/html":
			return false, nil
		}
	}
	return false, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // the client went away; nothing left to tell it
}

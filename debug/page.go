package debug

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/flagz-go/flagz"
)

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
	page := h.read(filter)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Vary", "Accept")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if asJSON {
		writeJSON(w, http.StatusOK, page)
		return
	}
	w.Header().Set("Content-Security-Policy", contentSecurityPolicy)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := renderHTML(w, page); err != nil {
		h.logger.Error("flagz debug: rendering the page failed", "err", err)
	}
}

// contentSecurityPolicy forbids every script and every external resource:
// the page needs only its inline style.
const contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// read builds the page from one read of the engine's flags, then its
// checksums and sources.
func (h *handler) read(filter Filter) Page {
	states := h.engine.Flags()
	page := Page{
		FlagSet: h.engine.Name(),
		Time:    time.Now(),
		Filter:  filter,
		Checksums: Checksums{
			Dynamic: checksumText(h.engine.Checksum(flagz.KindDynamic)),
			Static:  checksumText(h.engine.Checksum(flagz.KindStatic)),
		},
		Sources: []Source{},
		Flags:   []Flag{},
	}
	if h.setter {
		page.Setter = &Setter{AllowedHosts: append([]string{}, h.hosts...)}
	}
	for _, st := range h.engine.Sources() {
		page.Sources = append(page.Sources, newSource(st))
	}
	for _, st := range states {
		if filter.keeps(st) {
			page.Flags = append(page.Flags, newFlag(st))
		}
	}
	return page
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
	return f, nil
}

func (f Filter) keeps(st flagz.FlagState) bool {
	if f.OnlyChanged && !st.Changed {
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

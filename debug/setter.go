package debug

import (
	"fmt"
	"net/http"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/record"
)

// SetRequest is the JSON body the setter accepts (Content-Type:
// application/json). The same two fields may instead be sent as form fields
// "name" and "value" (application/x-www-form-urlencoded or
// multipart/form-data).
//
// The body is read strictly, so that a proxy or an authorizer that parses
// it differently cannot be shown another request than the setter runs: a
// JSON body is one object with the keys "name" and "value" exactly as
// written here (no other key, no other case, none twice) and nothing after
// it but white space; a form has the fields name and value once each and
// no other field, and neither is in the URL's query. Anything else is
// answered 400.
type SetRequest struct {
	// Name is the flag to set.
	Name string `json:"name"`
	// Value is the flag's new value, as text (as on the command line).
	Value *string `json:"value"`
}

// maxSetBody bounds the body of a set request.
const maxSetBody = 1 << 20

func (h *handler) serveSet(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		writeJSON(w, http.StatusMethodNotAllowed, SetResult{Error: "method not allowed: the setter takes POST only"})
		return
	}
	if !h.setter {
		writeJSON(w, http.StatusForbidden, SetResult{Error: "setting flags is disabled on this handler"})
		return
	}
	if err := h.hosts.check(r.Host); err != nil {
		h.logger.Warn("flagz debug: set refused: Host not allowed", "remote", r.RemoteAddr, "host", r.Host)
		writeJSON(w, http.StatusForbidden, SetResult{Error: fmt.Sprintf("refused: %v", err)})
		return
	}
	if err := h.csrf.Check(r); err != nil {
		writeJSON(w, http.StatusForbidden, SetResult{Error: fmt.Sprintf("refused: %v", err)})
		return
	}
	if h.authorize == nil {
		writeJSON(w, http.StatusForbidden, SetResult{Error: "refused: no authorizer is configured"})
		return
	}
	if err := h.authorize(r); err != nil {
		h.logger.Warn("flagz debug: set refused by the authorizer", "remote", r.RemoteAddr, "err", err)
		writeJSON(w, http.StatusForbidden, SetResult{Error: fmt.Sprintf("refused: %v", err)})
		return
	}
	req, err := decodeSetRequest(w, r)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, SetResult{Flag: shortName(req.Name), Error: err.Error()})
		return
	}
	status, res := h.set(req.Name, *req.Value)
	h.logger.Info("flagz debug: set requested", "remote", r.RemoteAddr, "flag", shortName(req.Name), "result", res.Result)
	writeJSON(w, status, res)
}

// set applies one value through the engine's "debug" source, as any source
// would, and turns the outcome into an HTTP status and answer.
//
// The answer about a sensitive flag does not depend on whether the value
// sent equals the flag's, so the setter is no oracle for a guess: a dynamic
// flag answers 200 "applied" with the value [redacted] whether the value
// changed or not; a static one answers the same 400 whatever is sent, and
// nothing is recorded (the setter can never change a static flag: it
// takes effect only at start-up).
//
// A name no flag has is answered 404 before the engine sees it: the
// "debug" source would hold the name and its value for as long as the
// process lives (a source holds every name its origin holds, declared or
// not), so that every refused request would grow the process. Flags are
// declared as the program starts; one declared later is set by the next
// request. The answer and the log line show the name cut to a bounded
// length.
func (h *handler) set(name, value string) (int, SetResult) {
	st, known := h.engine.Flag(name)
	if !known {
		short := shortName(name)
		return http.StatusNotFound, SetResult{Flag: short, Result: record.Unknown.String(),
			Error: fmt.Sprintf("no flag is called %q", short)}
	}
	if st.Sensitive && !st.Dynamic {
		return http.StatusBadRequest, SetResult{Flag: name, Result: record.RestartRequired.String(), Value: flagz.Redacted,
			Error: fmt.Sprintf("flag %q is static: the new value takes effect after a restart", name)}
	}
	report := h.engine.Source(SourceName, nil).Update(0, map[string]string{name: value})
	o, _ := report.Outcome(name)
	res := SetResult{Flag: name, Result: o.Result.String()}
	if o.Err != nil {
		res.Error = o.Err.Error()
	}
	st, ok := h.engine.Flag(name)
	if ok {
		res.Value = st.Value
	}
	switch o.Result {
	case record.Applied, record.Unchanged:
		if st.Sensitive {
			res.Result = record.Applied.String()
		}
		return http.StatusOK, res
	case record.Unknown:
		res.Error = fmt.Sprintf("no flag is called %q", name)
		return http.StatusNotFound, res
	default: // Rejected, RestartRequired
		return http.StatusBadRequest, res
	}
}

package debug

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"

	"github.com/flagz-go/flagz"
)

// SetRequest is the JSON body the setter accepts (Content-Type:
// application/json). The same two fields may instead be sent as form fields
// "name" and "value" (application/x-www-form-urlencoded).
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
		writeJSON(w, http.StatusBadRequest, SetResult{Flag: req.Name, Error: err.Error()})
		return
	}
	status, res := h.set(req.Name, *req.Value)
	h.logger.Info("flagz debug: set requested", "remote", r.RemoteAddr, "flag", req.Name, "result", res.Result)
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
func (h *handler) set(name, value string) (int, SetResult) {
	if st, ok := h.engine.Flag(name); ok && st.Sensitive && !st.Dynamic {
		return http.StatusBadRequest, SetResult{Flag: name, Result: flagz.RestartRequired.String(), Value: flagz.Redacted,
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
	case flagz.Applied, flagz.Unchanged:
		if st.Sensitive {
			res.Result = flagz.Applied.String()
		}
		return http.StatusOK, res
	case flagz.Unknown:
		res.Error = fmt.Sprintf("no flag is called %q", name)
		return http.StatusNotFound, res
	default: // Rejected, RestartRequired
		return http.StatusBadRequest, res
	}
}

func decodeSetRequest(w http.ResponseWriter, r *http.Request) (SetRequest, error) {
	var req SetRequest
	r.Body = http.MaxBytesReader(w, r.Body, maxSetBody)
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mediaType {
	case "application/json":
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			return req, fmt.Errorf("decoding the JSON body: %w", err)
		}
	case "application/x-www-form-urlencoded", "multipart/form-data":
		if err := r.ParseMultipartForm(maxSetBody); err != nil && !errors.Is(err, http.ErrNotMultipart) {
			return req, fmt.Errorf("reading the form: %w", err)
		}
		req.Name = r.PostForm.Get("name")
		if vs, ok := r.PostForm["value"]; ok {
			req.Value = &vs[0]
		}
	default:
		return req, fmt.Errorf("content type %q: send application/json or form fields name and value", mediaType)
	}
	if req.Name == "" {
		return req, errors.New(`missing "name": the flag to set`)
	}
	if req.Value == nil {
		return req, errors.New(`missing "value": the flag's new value (it may be empty)`)
	}
	return req, nil
}

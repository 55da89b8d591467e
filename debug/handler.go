package debug

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/record"
)

// Path is where Register mounts the handler, next to net/http/pprof's
// /debug/pprof/.
const Path = "/debug/flagz"

// SourceName is the name of the flagz source through which the setter
// changes flags: the audit log, the last change of a flag and the metrics
// show it.
const SourceName = "debug"

// Option configures a handler made by NewHandler or Register.
type Option func(*handler)

// WithSetter turns on the setter (POST <mount>/set, see the package
// documentation). Every request must pass authorize first: a non-nil error
// refuses it with 403 Forbidden and the error's text. A nil authorize
// refuses every request. The setter is off unless this option is given.
// Before the authorizer, the setter refuses requests addressed (Host
// header) to a name other than localhost, an IP address or one given to
// WithAllowedHosts, and cross-origin browser requests.
func WithSetter(authorize func(*http.Request) error) Option {
	return func(h *handler) {
		h.setter = true
		h.authorize = authorize
	}
}

// WithLogger sends the setter's log lines, and the audit log of the "debug"
// source, to logger instead of slog.Default().
func WithLogger(logger *slog.Logger) Option {
	return func(h *handler) {
		if logger != nil {
			h.logger = logger
		}
	}
}

type handler struct {
	engine    *flagz.Engine
	setter    bool
	authorize func(*http.Request) error
	logger    *slog.Logger
	csrf      *http.CrossOriginProtection
	hosts     allowedHosts // names besides localhost and IP addresses the setter answers to
}

// NewHandler returns the /debug/flagz handler of fs: the page (HTML, or
// JSON for ?format=json or Accept: application/json) for GET and HEAD on any
// path, and, when WithSetter is given, the setter for POST on a path ending
// in "/set". Everything it shows comes from flagz.EngineFor(fs).
func NewHandler[F flagz.FlagSet](fs F, opts ...Option) http.Handler {
	h := &handler{engine: flagz.EngineFor(fs), logger: slog.Default(), csrf: http.NewCrossOriginProtection()}
	for _, opt := range opts {
		opt(h)
	}
	if h.setter {
		src := h.engine.Source(SourceName, h.logger)
		src.SetState(record.StateServing, nil)
	}
	return h
}

// Mux is what Register mounts the handler on; *http.ServeMux is one.
type Mux interface {
	Handle(pattern string, handler http.Handler)
}

// Register mounts NewHandler(fs, opts...) on mux at Path ("/debug/flagz")
// and Path+"/set", as net/http/pprof mounts itself at /debug/pprof/.
func Register[F flagz.FlagSet](mux Mux, fs F, opts ...Option) {
	h := NewHandler(fs, opts...)
	mux.Handle(Path, h)
	mux.Handle(Path+"/set", h)
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Path, "/set") {
		h.serveSet(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed: the page answers GET and HEAD; the setter is at <page>/set", http.StatusMethodNotAllowed)
		return
	}
	h.servePage(w, r)
}

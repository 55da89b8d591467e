package demo

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"golang.org/x/time/rate"
)

// Status is what GET / answers: the effect of every dynamic flag.
type Status struct {
	Greeting  string       `json:"greeting"`
	Shout     bool         `json:"shout"`
	RateLimit int64        `json:"rate_limit"`
	Routes    RoutingTable `json:"routes"`
}

// RouteAnswer is what GET /route/{path...} answers.
type RouteAnswer struct {
	Path    string `json:"path"`
	Backend string `json:"backend"`
}

// service answers the demo's own endpoints from the current flag values.
type service struct {
	flags   *Flags
	limiter *rate.Limiter
	logger  *slog.Logger
}

// NewService returns the demo's own endpoints (GET / and GET
// /route/{path...}), rate limited by the rate_limit flag. Handler adds the
// debug page and metrics around them.
func NewService(f *Flags, logger *slog.Logger) http.Handler {
	s := &service{flags: f, limiter: newLimiter(f, logger), logger: logger}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.limited(s.status))
	mux.HandleFunc("GET /route/{path...}", s.limited(s.route))
	return mux
}

// limited answers 429 Too Many Requests when the token bucket is empty.
func (s *service) limited(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.limiter.Allow() {
			refused.Add(1)
			w.Header().Set("Retry-After", "1")
			http.Error(w, "rate limit exceeded (flag rate_limit)", http.StatusTooManyRequests)
			return
		}
		h(w, r)
	}
}

func (s *service) status(w http.ResponseWriter, _ *http.Request) {
	greeting := s.flags.Greeting.Get()
	shout := s.flags.Shout.Get()
	if shout {
		greeting = strings.ToUpper(greeting)
	}
	s.writeJSON(w, Status{
		Greeting:  greeting,
		Shout:     shout,
		RateLimit: s.flags.RateLimit.Get().PerSecond,
		Routes:    s.flags.Routes.Get(),
	})
}

func (s *service) route(w http.ResponseWriter, r *http.Request) {
	path := "/" + r.PathValue("path")
	s.writeJSON(w, RouteAnswer{Path: path, Backend: s.flags.Routes.Get().Pick(path)})
}

func (s *service) writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		s.logger.Debug("write answer", "err", err)
	}
}

package demo

import (
	"errors"
	"fmt"
	"strings"

	"github.com/flagz-go/flagz"
	"github.com/spf13/pflag"
)

// Names of the demo's dynamic flags: in etcd they are the last element of
// the key (<prefix>/greeting), in a ConfigMap the key.
const (
	FlagGreeting  = "greeting"
	FlagShout     = "shout"
	FlagRoutes    = "routes"
	FlagRateLimit = "rate_limit"
	FlagRateBurst = "rate_burst"
)

// Defaults of the demo's dynamic flags.
const (
	DefaultGreeting  = "hello from flagz"
	DefaultRateLimit = 5
)

// MaxRateLimit is the largest rate_limit the validator accepts.
const MaxRateLimit = 10_000

// Flags are the dynamic flags the service reads on every request.
type Flags struct {
	Greeting  *flagz.DynStringValue
	Shout     *flagz.DynBoolValue
	Routes    *flagz.Dyn[RoutingTable]
	RateLimit *flagz.DynStructValue[RateLimits]
}

// RateLimits are the token bucket's settings: one struct (flagz.DynStruct,
// under no name, so the flags keep their own names), so that the limiter
// never runs with a new rate and an old burst, and a validator sees both.
type RateLimits struct {
	PerSecond int64 `flagz:"rate_limit" usage:"requests per second GET / and /route/ accept (token bucket)"`
	Burst     int64 `flagz:"rate_burst" usage:"requests the bucket lets through at once; 0: as many as rate_limit, else at least rate_limit"`
}

// Validate refuses a burst below the rate (other than 0).
func (l RateLimits) Validate() error {
	if l.Burst != 0 && l.Burst < l.PerSecond {
		return fmt.Errorf("rate_burst %d is below rate_limit %d: set both together", l.Burst, l.PerSecond)
	}
	return nil
}

// BurstSize is the bucket's size: Burst, or PerSecond when Burst is 0.
func (l RateLimits) BurstSize() int64 {
	if l.Burst == 0 {
		return l.PerSecond
	}
	return l.Burst
}

// DeclareFlags declares the service's dynamic flags on fs.
func DeclareFlags(fs *pflag.FlagSet) *Flags {
	return &Flags{
		Greeting: flagz.DynString(fs, FlagGreeting, DefaultGreeting,
			"what GET / answers"),
		Shout: flagz.DynBool(fs, FlagShout, false,
			"feature switch: answer the greeting in capitals"),
		Routes: flagz.DynJSONOf(fs, FlagRoutes, DefaultRoutingTable(),
			`routing table, JSON: {"routes":[{"prefix":"/api","backend":"api:8080"}],"default":"web:8080"}`).
			WithValidator(RoutingTable.Validate),
		RateLimit: flagz.DynStruct(fs, "", RateLimits{PerSecond: DefaultRateLimit}, "").
			WithFieldValidator(FlagRateLimit, flagz.ValidateDynInt64Range(1, MaxRateLimit)).
			WithValidator(RateLimits.Validate),
	}
}

// RoutingTable maps path prefixes to backends, the longest prefix first.
type RoutingTable struct {
	Routes  []Route `json:"routes"`
	Default string  `json:"default"`
}

// Route sends the paths starting with Prefix to Backend.
type Route struct {
	Prefix  string `json:"prefix"`
	Backend string `json:"backend"`
}

// DefaultRoutingTable is the routing table the service starts with.
func DefaultRoutingTable() RoutingTable {
	return RoutingTable{
		Routes:  []Route{{Prefix: "/api", Backend: "api-v1:8080"}},
		Default: "web:8080",
	}
}

// Validate refuses a table a router could not use: every route needs a
// prefix starting with "/" and a backend, and so does the default.
func (t RoutingTable) Validate() error {
	var errs []error
	if t.Default == "" {
		errs = append(errs, errors.New(`"default" backend is empty`))
	}
	for i, r := range t.Routes {
		if !strings.HasPrefix(r.Prefix, "/") {
			errs = append(errs, fmt.Errorf("route %d: prefix %q does not start with /", i, r.Prefix))
		}
		if r.Backend == "" {
			errs = append(errs, fmt.Errorf("route %d (%s): backend is empty", i, r.Prefix))
		}
	}
	return errors.Join(errs...)
}

// Pick returns the backend of the longest prefix matching path, or the
// default backend.
func (t RoutingTable) Pick(path string) string {
	best, backend := -1, t.Default
	for _, r := range t.Routes {
		if strings.HasPrefix(path, r.Prefix) && len(r.Prefix) > best {
			best, backend = len(r.Prefix), r.Backend
		}
	}
	return backend
}

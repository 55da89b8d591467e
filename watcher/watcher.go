package watcher

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/source"
	"github.com/flagz-go/flagz/watcher/change"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// Watcher keeps the flags of one flag set in step with the keys under one
// etcd prefix. It runs on a source.Runtime, which owns its lifecycle:
// create it with New, load the current values with Initialize, follow
// changes with Start, and end with Stop; or call Run. Status tells its
// health.
//
// Initialize reads every key under the prefix once and applies the values,
// static flags included. If etcd does not answer within the request timeout
// (see WithHealthCheck) and a snapshot file is configured
// (WithSnapshotFile), Initialize applies the values saved there, reports
// DEGRADED and returns no error; Start then keeps trying to reach etcd.
type Watcher struct {
	rt     *source.Runtime
	origin *etcdOrigin
}

// etcdOrigin is the source.Origin of one etcd prefix.
type etcdOrigin struct {
	client    *clientv3.Client
	prefix    string // as given, without a trailing slash
	keyPrefix string // prefix + "/": every flag's key starts with it
	// changePrefix is where the flagz command's change records live
	// (package change), under keyPrefix.
	changePrefix string
	stream       string // distinguishes this watcher's gRPC watch stream (watchContext)
	opts         options
	log          *slog.Logger
	presence     *presenceState // nil without WithPresence
	canary       *canaryOverlay // nil without WithPresence: a process without an id is in no canary

	// listed is what the last List found: its revision and how many keys
	// (flags or not) were under the prefix then. The health check counts
	// from it when a progress request goes unanswered (a gRPC proxy).
	listedMu  sync.Mutex
	listedRev int64
	listedN   int64
}

// New returns a watcher that sets the flags of fs from the keys
// <prefix>/<flag-name> read through client. Deeper keys
// (<prefix>/a/b) are ignored. A trailing slash of prefix makes no
// difference: "/svc/flags" and "/svc/flags/" both mean the keys under
// "/svc/flags/", never the presence records beside them
// ("/svc/flags@presence/…" and "/svc/flags@presence-info/…", see
// WithPresence). An empty prefix, or "/", is an error: it would take in
// every application's keys. The caller owns client
// (endpoints, TLS, auth) and closes it after Stop.
//
// New returns an error naming the option when an option is given a value
// it cannot take, or when client is nil.
func New[F flagz.FlagSet](fs F, client *clientv3.Client, prefix string, opts ...Option) (*Watcher, error) {
	if client == nil {
		return nil, errors.New("watcher: New: the client is nil")
	}
	if err := checkPrefix(prefix); err != nil {
		return nil, err
	}
	prefix = strings.TrimSuffix(prefix, "/")
	o := defaultOptions(prefix)
	for _, opt := range opts {
		opt(&o)
	}
	if err := o.validate(); err != nil {
		return nil, err
	}
	origin := &etcdOrigin{
		client:       client,
		prefix:       prefix,
		keyPrefix:    prefix + "/",
		changePrefix: change.Prefix(prefix),
		stream:       newStreamID(),
		opts:         o,
		log:          o.Config.Logger.With("source", o.Config.Name),
	}
	rt, err := source.New(fs, origin, o.Config)
	if err != nil {
		return nil, fmt.Errorf("watcher: %w", err)
	}
	w := &Watcher{rt: rt, origin: origin}
	if o.presence.enabled {
		origin.presence = newPresenceState(fs, rt.Status, rt.SetProblem, origin)
		origin.canary = newCanaryOverlay(origin.presence.base.ID, prefix, origin.log)
		origin.presence.canary = origin.canary
	}
	return w, nil
}

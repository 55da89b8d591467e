package watcher

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// DefaultPresenceTTL is the lease TTL of a presence record: how long the
// record of a process that died without Stop outlives it.
const DefaultPresenceTTL = 5 * time.Second

// DefaultPresenceSpread is the default of WithPresenceSpread.
const DefaultPresenceSpread time.Duration = 0

// DefaultPresenceRefresh is the default of WithPresenceRefresh.
const DefaultPresenceRefresh = time.Minute

type presenceOptions struct {
	enabled bool
	ttl     time.Duration
	spread  time.Duration
	refresh time.Duration
	id      string
	version string
	client  *clientv3.Client // nil: the watcher's

	health      func(context.Context) error // WithHealth; nil: none
	healthEvery time.Duration
}

func defaultPresenceOptions() presenceOptions {
	return presenceOptions{ttl: DefaultPresenceTTL, spread: DefaultPresenceSpread, refresh: DefaultPresenceRefresh,
		version: buildVersion(), healthEvery: DefaultHealthInterval}
}

// validate reports what the presence options refuse together.
func (p *presenceOptions) validate() error {
	if p.health != nil && !p.enabled {
		return errors.New("WithHealth: the health is published in the presence record: add WithPresence")
	}
	if p.spread >= p.ttl {
		return fmt.Errorf("WithPresenceSpread(%v): must be below the presence TTL (%v)", p.spread, p.ttl)
	}
	return nil
}

// ttlSeconds is the TTL as etcd counts it, rounded up.
func (p *presenceOptions) ttlSeconds() int64 {
	return int64((p.ttl + time.Second - 1) / time.Second)
}

// WithPresence makes the watcher keep a presence record in etcd while it
// runs (off by default): one record, under a lease it renews within every
// third of its TTL (at a random point of that third's last fifth, so that
// processes started together do not renew in step), saying who the process
// is (host, pid, start time, build version, flag set name), the schema of
// its flags with their validators' constraints, the etcd revision it has
// applied, its dynamic checksum, its state and the values it refuses now.
// Package presence describes the record and lists them; the flagz command
// reads them to check a value before writing it and to wait until every
// process has applied it.
//
// The record is two keys outside the flag key space, under the same lease:
// the status, presence.Key(prefix, id) (state, revision applied, checksum,
// the values of the dynamic flags, refusals), and the info,
// presence.InfoKey(prefix, id) (identity, schema, static values), written
// with the first status and again only when any of it changes, so that a
// change costs a put of the status alone. The status is written from a
// goroutine of its own, once per batch of
// changes the watcher applies (a transaction's events, one watch
// response), whenever the watcher's state or problems change, and at
// least once per refresh period (WithPresenceRefresh). A write that fails
// is retried with the runtime's backoff (source.Backoff, at least once per
// TTL) and never delays the flags; meanwhile the watcher has the problem
// ProblemPresence (Status().Problems, the debug page, the metric
// flagz_source_problem), logged once when it starts and once when it
// ends. The record lists the watcher's other problems. Stop revokes the lease,
// deleting the record; a process that dies without Stop disappears when
// the lease's TTL runs out (WithPresenceTTL). If the lease is lost (an
// outage longer than the TTL), a new one is granted and the record written
// again once etcd answers.
func WithPresence() Option {
	return func(o *options) { o.presence.enabled = true }
}

// WithPresenceTTL sets the TTL of the presence record's lease (default
// DefaultPresenceTTL, 5s; at least 1s, counted in whole seconds). It does
// not turn presence on.
func WithPresenceTTL(ttl time.Duration) Option {
	return func(o *options) {
		if ttl < time.Second {
			o.Refuse(fmt.Sprintf("WithPresenceTTL(%v)", ttl), errors.New("must be at least 1s (etcd counts leases in seconds)"))
			return
		}
		o.presence.ttl = ttl
	}
}

// WithPresenceSpread sets how long, at most, a process waits after
// applying a change before it writes its presence record: a random time
// between spread/2 and spread (default DefaultPresenceSpread, 0: at once;
// the fleet benchmark uses 20ms). Every process of a fleet takes a change within a few
// milliseconds of the others, and etcd sends it to each in turn: writes
// spread out reach etcd after most of them have it, not while it is still
// sending it, and changes that arrive meanwhile share one write. `flagz set
// --wait` returns up to spread later. The first record and a record
// written again after an outage are not delayed. It must be below the TTL.
func WithPresenceSpread(spread time.Duration) Option {
	return func(o *options) {
		if spread < 0 {
			o.Refuse(fmt.Sprintf("WithPresenceSpread(%v)", spread), errors.New("negative"))
			return
		}
		o.presence.spread = spread
	}
}

// WithPresenceRefresh sets how often, at least, the presence record's
// status is written, changes or not (default DefaultPresenceRefresh, one
// minute; at least 1s, counted in whole seconds): the record carries the
// period and when it was written, so a reader (flagz status) tells a record
// the process cannot publish any more (etcd refuses its writes while its
// lease is still renewed) by its age: presence.Record.Stale. Each refresh
// is a small put to etcd per process; the lease's renewals cost no write.
// It does not turn presence on.
func WithPresenceRefresh(every time.Duration) Option {
	return func(o *options) {
		if every < time.Second {
			o.Refuse(fmt.Sprintf("WithPresenceRefresh(%v)", every), errors.New("must be at least 1s"))
			return
		}
		o.presence.refresh = every
	}
}

// WithPresenceID sets the id of the presence record, its key's last part
// (default "host/pid/nanos", nanos being when the watcher was made: unique
// among the watchers of a process; not empty). Give each process its own.
func WithPresenceID(id string) Option {
	return func(o *options) {
		if id == "" {
			o.Refuse("WithPresenceID", errors.New("the id is empty"))
			return
		}
		o.presence.id = id
	}
}

// WithPresenceVersion sets the build version the presence record shows
// (default: the main module's version from runtime/debug.ReadBuildInfo;
// not empty).
func WithPresenceVersion(version string) Option {
	return func(o *options) {
		if version == "" {
			o.Refuse("WithPresenceVersion", errors.New("the version is empty"))
			return
		}
		o.presence.version = version
	}
}

// WithPresenceClient writes the presence record through client (not nil)
// instead of the watcher's client (other credentials, say). The caller
// owns it.
func WithPresenceClient(client *clientv3.Client) Option {
	return func(o *options) {
		if client == nil {
			o.Refuse("WithPresenceClient", errors.New("the client is nil"))
			return
		}
		o.presence.client = client
	}
}

// processStarted approximates when the process started: when the package
// was initialised.
var processStarted = time.Now()

var hostname = sync.OnceValue(func() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "unknown-host"
	}
	return h
})

var (
	idMu       sync.Mutex
	lastIDTime int64
)

// newPresenceID returns "host/pid/nanos" with nanos strictly increasing
// within the process.
func newPresenceID() string {
	idMu.Lock()
	nanos := max(time.Now().UnixNano(), lastIDTime+1)
	lastIDTime = nanos
	idMu.Unlock()
	return hostname() + "/" + strconv.Itoa(os.Getpid()) + "/" + strconv.FormatInt(nanos, 10)
}

func buildVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(unknown)"
}

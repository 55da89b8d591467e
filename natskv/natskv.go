package natskv

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/source"
)

// Source keeps the flags of one flag set in step with one JetStream
// key-value bucket. It runs on a source.Runtime: create it with New, load
// the values with Initialize, follow changes with Start, end with Stop, or
// call Run.
type Source struct {
	rt *source.Runtime
}

// kvOrigin is the source.Origin of one bucket and prefix.
type kvOrigin struct {
	js     jetstream.JetStream
	bucket string
	prefix string
	opts   options
	// kv and stream are looked up by each List: Follow, Before and
	// WriteBack come after one (the runtime calls the origin's methods one
	// at a time, and lists before it follows).
	kv     jetstream.KeyValue
	stream jetstream.Stream // the bucket's stream, for its state
	// keys holds every key of the bucket, flag or not, deleted or not (a
	// delete leaves a marker), as of the revision delivered last. List and
	// Follow use it, never at once.
	keys map[string]struct{}
}

// New returns a source that sets the flags of fs from the keys
// <prefix><Key(name)> of bucket (no prefix unless WithPrefix), read
// through js: jetstream.New over the caller's connection, whose servers,
// TLS and credentials are the caller's, and which should reconnect for
// ever (nats.MaxReconnects(-1)). New reads nothing; it returns an error
// naming the option an option refuses, or when js is nil or bucket empty.
func New[F flagz.FlagSet](fs F, js jetstream.JetStream, bucket string, opts ...Option) (*Source, error) {
	if js == nil || bucket == "" {
		return nil, errors.New("natskv: New: js is nil or the bucket name empty")
	}
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	if err := o.Err(); err != nil {
		return nil, fmt.Errorf("natskv: %w", err)
	}
	if o.Config.Name == "" {
		o.Config.Name = "nats:" + bucket + strings.TrimSuffix("/"+o.prefix, "/")
	}
	rt, err := source.New(fs, &kvOrigin{js: js, bucket: bucket, prefix: o.prefix, opts: o}, o.Config)
	if err != nil {
		return nil, fmt.Errorf("natskv: %w", err)
	}
	return &Source{rt: rt}, nil
}

// RevisionsFromZero says that an empty bucket lists at revision 0, its
// first write being revision 1 (source.RevisionsFromZero).
func (o *kvOrigin) RevisionsFromZero() {}

// The lifecycle of a Source is its source.Runtime's, called as it is.

// Initialize lists the bucket once and applies the values: the initial
// load, static flags included, or a reconcile after an earlier one. See
// source.Runtime.Initialize.
func (s *Source) Initialize(ctx context.Context) (flagz.Report, error) { return s.rt.Initialize(ctx) }

// Start follows the bucket in a goroutine until ctx ends or Stop is called
// (listing it first if Initialize did not). See source.Runtime.Start.
func (s *Source) Start(ctx context.Context) error { return s.rt.Start(ctx) }

// Stop ends what Start began and an Initialize in flight, and returns once
// every goroutine of the source has exited. See source.Runtime.Stop.
func (s *Source) Stop() { s.rt.Stop() }

// Run calls Initialize and Start, waits until ctx is done or Stop is
// called, then calls Stop. See source.Runtime.Run.
func (s *Source) Run(ctx context.Context) error { return s.rt.Run(ctx) }

// Status returns the source's health and counts (see record.SourceStatus).
func (s *Source) Status() record.SourceStatus { return s.rt.Status() }

// Name returns the source's name.
func (s *Source) Name() string { return s.rt.Name() }

package natskv

import (
	"context"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/record"
)

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

package realnats_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/pflag"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/natskv"
	"github.com/flagz-go/flagz/record"
)

// The flag defaults of the tests.
const (
	rateDefault = 10
	nameDefault = "default-name"
)

// testFlags is a flag set with the flags most tests use.
type testFlags struct {
	fs    *pflag.FlagSet
	rate  *flagz.DynInt64Value  // 1..1,000,000
	name  *flagz.DynStringValue // any text
	limit *flagz.DynInt64Value  // any int64
}

func newTestFlags() *testFlags {
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	return &testFlags{
		fs:    fs,
		rate:  flagz.DynInt64(fs, "rate", rateDefault, "requests per second").WithValidator(flagz.ValidateDynInt64Range(1, 1_000_000)),
		name:  flagz.DynString(fs, "name", nameDefault, "a name"),
		limit: flagz.DynInt64(fs, "limit", 5, "a limit"),
	}
}

// newSource makes a source of the bucket with fast health checks and
// stops it when the test ends.
func newSource(t *testing.T, fs *pflag.FlagSet, js jetstream.JetStream, opts ...natskv.Option) *natskv.Source {
	t.Helper()
	s, err := natskv.New(fs, js, bucket, fastOptions(opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

// started makes, initializes and starts a source, and waits until it
// serves.
func started(t *testing.T, fs *pflag.FlagSet, js jetstream.JetStream, opts ...natskv.Option) *natskv.Source {
	t.Helper()
	s := newSource(t, fs, js, opts...)
	if _, err := s.Initialize(context.Background()); err != nil {
		t.Fatalf("Initialize: %v", err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	eventually(t, "SERVING", func() bool { return s.Status().State == record.StateServing })
	return s
}

// wasDegraded reports whether the source's state history holds a DEGRADED
// span whose reason has why in it.
func wasDegraded(s *natskv.Source, why string) bool {
	return slices.ContainsFunc(s.Status().History, func(span record.StateSpan) bool {
		return span.State == record.StateDegraded && strings.Contains(span.Err, why)
	})
}

package watcher

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A request context carries no deadline (so gRPC sends no grpc-timeout
// header), and ends as a deadline would: DeadlineExceeded once the time has
// passed, Canceled when canceled first, its parent's error when the parent
// ends first.
func TestRequestTimeoutWithoutDeadline(t *testing.T) {
	ctx, cancel := withRequestTimeout(context.Background(), time.Millisecond)
	defer cancel()
	if d, ok := ctx.Deadline(); ok {
		t.Errorf("Deadline() = %v, true; want none", d)
	}
	<-ctx.Done()
	if err := ctx.Err(); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Err() after the time = %v, want DeadlineExceeded", err)
	}
	if err := context.Cause(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Cause() after the time = %v, want DeadlineExceeded", err)
	}

	ctx, cancel = withRequestTimeout(context.Background(), time.Hour)
	if ctx.Err() != nil {
		t.Errorf("Err() before the time = %v, want nil", ctx.Err())
	}
	cancel()
	<-ctx.Done()
	if err := ctx.Err(); !errors.Is(err, context.Canceled) {
		t.Errorf("Err() after cancel = %v, want Canceled", err)
	}

	parent, stop := context.WithCancel(context.Background())
	ctx, cancel = withRequestTimeout(parent, time.Hour)
	defer cancel()
	stop()
	<-ctx.Done()
	if err := ctx.Err(); !errors.Is(err, context.Canceled) {
		t.Errorf("Err() after the parent ended = %v, want Canceled", err)
	}
}

package watcher

import (
	"context"
	"sync/atomic"
	"time"
)

// withRequestTimeout bounds one request to etcd by d as context.WithTimeout
// would, but with a timer instead of a deadline. gRPC sends a deadline as a
// grpc-timeout header whose value is new in every request, and its HPACK
// encoder keeps each one in the connection's header table: a client that
// makes a few requests a minute (health checks, presence writes, lease
// renewals) fills that table (4 KiB of entries, about 12 KB of heap) for
// the life of the connection, where a client that only watches holds a few
// entries. Canceling the context once d has passed ends the request the
// same way (the client resets the stream; etcd's handler sees its context
// canceled), and Err reports context.DeadlineExceeded, as a deadline would.
func withRequestTimeout(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	inner, cancel := context.WithCancelCause(parent)
	ctx := &requestContext{Context: inner}
	timer := time.AfterFunc(d, func() {
		ctx.expired.Store(true) // before Done closes: Err is never nil after it
		cancel(context.DeadlineExceeded)
	})
	return ctx, func() {
		timer.Stop()
		cancel(context.Canceled)
	}
}

// requestContext is the context of withRequestTimeout.
type requestContext struct {
	context.Context
	expired atomic.Bool // the timer fired
}

// Err returns context.DeadlineExceeded once the timer has fired, or the
// error of the context it derives from.
func (c *requestContext) Err() error {
	if c.expired.Load() {
		return context.DeadlineExceeded
	}
	return c.Context.Err()
}

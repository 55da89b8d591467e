package configmap

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/flagz-go/flagz/source"
)

// reads runs the reads of one origin one at a time, each on a goroutine of
// its own, so that whoever waits for a read can give up when its context
// ends (Initialize's deadline, Stop) however long the file system takes. A
// read blocked in the kernel (a network mount that does not answer) cannot
// be interrupted, but need not be waited for; the next read starts only
// once it has ended, so at most one is ever left behind.
type reads struct {
	slot chan struct{} // holds a token while a read runs
	hook func()        // tests only: runs before each read
}

func newReads(hook func()) *reads {
	return &reads{slot: make(chan struct{}, 1), hook: hook}
}

// readResult is what one read gave.
type readResult struct {
	snap     source.Snapshot
	err      error
	panicked error // a panic of the read, with its stack
}

// do runs read and returns what it gave, or ctx's error as soon as ctx
// ends. A panic of read panics do's caller, whose runtime recovers it.
func (r *reads) do(ctx context.Context, read func() (source.Snapshot, error)) (source.Snapshot, error) {
	select {
	case r.slot <- struct{}{}:
	case <-ctx.Done():
		return source.Snapshot{}, fmt.Errorf("waiting for an earlier read: %w", ctx.Err())
	}
	done := make(chan readResult, 1)
	go func() {
		defer func() { <-r.slot }()
		var res readResult
		defer func() {
			if p := recover(); p != nil {
				res = readResult{panicked: fmt.Errorf("%v\n%s", p, debug.Stack())}
			}
			done <- res
		}()
		if r.hook != nil {
			r.hook()
		}
		res.snap, res.err = read()
	}()
	select {
	case res := <-done:
		if res.panicked != nil {
			panic(res.panicked)
		}
		return res.snap, res.err
	case <-ctx.Done():
		return source.Snapshot{}, ctx.Err()
	}
}

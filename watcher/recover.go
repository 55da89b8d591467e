package watcher

import (
	"fmt"
	"runtime/debug"
)

// safely runs fn and turns a panic (a validator of the flag set, say) into
// an error, so that no panic escapes the watcher's goroutine.
func (w *Watcher) safely(what string, fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("watcher: panic during %s: %v", what, r)
			w.log.Error("flagz watcher: recovered from a panic", "operation", what, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		}
	}()
	return fn()
}

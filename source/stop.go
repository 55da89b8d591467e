package source

import (
	"fmt"
	"time"

	"github.com/flagz-go/flagz/record"
)

// lock takes op; unlock gives it back.
func (r *Runtime) lock()   { r.op <- struct{}{} }
func (r *Runtime) unlock() { <-r.op }

// lockBefore takes op unless deadline fires first, and reports whether it
// did.
func (r *Runtime) lockBefore(deadline <-chan time.Time) bool {
	select {
	case r.op <- struct{}{}:
		return true
	case <-deadline:
		return false
	}
}

// ended waits, until deadline fires, for the goroutines Start launched to
// exit, and reports whether they did (done is then nil). When they do not,
// the Stop gives up on them: reap finishes it once they exit. A Stop after
// one that gave up only looks. The caller holds op.
func (r *Runtime) ended(deadline <-chan time.Time) bool {
	if r.abandoned {
		select {
		case <-r.done:
		default:
			return false
		}
	} else {
		select {
		case <-r.done:
		case <-deadline:
			r.abandoned = true
			go r.reap(r.done)
			r.gaveUp("its goroutine")
			return false
		}
	}
	r.done, r.abandoned = nil, false
	return true
}

// reap finishes a Stop that gave up waiting for done: once the goroutines
// exit, the source is STOPPED (its reason cleared) and its name free.
func (r *Runtime) reap(done chan struct{}) {
	<-done
	r.lock()
	defer r.unlock()
	if r.done != done { // a later Stop saw them exit and finished
		return
	}
	r.done, r.abandoned = nil, false
	if src := r.src.Load(); src != nil {
		r.stoppedLocked(src)
	}
}

// gaveUp records that a Stop returns without waiting longer for what, which
// waits on code of the program: the source is STOPPED, saying so.
func (r *Runtime) gaveUp(what string) {
	src := r.src.Load()
	if src == nil {
		r.stopped.Store(true)
		return
	}
	src.SetState(record.StateStopped, fmt.Errorf("Stop returned after %v without waiting longer for %s, which ends once the code it waits on returns", r.cfg.StopTimeout, what))
	waiting := "not reported (yet)"
	if w := src.Status().Waiting; w != nil {
		waiting = w.String()
	}
	r.log.Warn("flagz: Stop returned without waiting longer for the source; the goroutine left behind ends once the code it waits on returns",
		"timeout", r.cfg.StopTimeout, "waiting", waiting)
}

// runningErr is the error of Initialize or Start (op) while the source
// runs, or while the goroutine of a Stop that gave up has not exited. The
// caller holds op.
func (r *Runtime) runningErr(op string) error {
	if !r.abandoned {
		return fmt.Errorf("%w: %s of source %q", ErrRunning, op, r.cfg.Name)
	}
	why := ""
	if w := r.Status().Waiting; w != nil {
		why = ": " + w.String()
	}
	return fmt.Errorf("%w: %s of source %q: a Stop returned without its goroutine, which has not exited yet%s", ErrRunning, op, r.cfg.Name, why)
}

package flagz

import (
	"sync/atomic"
	"time"

	"github.com/flagz-go/flagz/record"
)

// waitReportAfter is how long a batch waits on one flag before its source
// says so (record.SourceStatus.Waiting): the source looks at its batch in
// progress this often, and reports a wait it sees twice in a row. A
// variable so that this package's tests may shorten it; a source reads it
// once, when it is made.
var waitReportAfter = time.Second

// waitNone is the phase of a change that waits on nothing of the program:
// the engine's own bookkeeping.
const waitNone = -1

// batchWatch tells what the batch of a source in progress is doing: the
// name it applies and what that change waits on. The batch writes it as it
// goes (two atomic stores per step, nothing allocated); the source's timer
// reads it.
type batchWatch struct {
	name  atomic.Pointer[string] // into the batch's list of names; nil between batches
	phase atomic.Int32           // a record.WaitOn, or waitNone
}

// step notes that the batch now applies *name.
func (w *batchWatch) step(name *string) {
	w.name.Store(name)
	w.phase.Store(waitNone)
}

// at notes what the change of the current name waits on from now (waitNone:
// nothing of the program). A nil watch notes nothing.
func (w *batchWatch) at(on record.WaitOn) {
	if w != nil {
		w.phase.Store(int32(on))
	}
}

// waitWatch is a source's view of its batch in progress: the watch the
// batch writes, and what the source's timer saw of it. The fields below
// batchWatch are guarded by Source.stMu.
type waitWatch struct {
	batchWatch
	timer  *time.Timer   // runs checkWait while a batch is in progress; made with the source
	after  time.Duration // waitReportAfter when the source was made
	active bool          // a batch is in progress
	seq    uint64        // numbers the batches
	rev    int64         // of the batch in progress

	// What the last look saw, and when.
	seenSeq   uint64
	seenName  *string
	seenPhase int32
	seenAt    time.Time
}

// newWaitTimer makes the source's timer, stopped.
func (s *Source) newWaitTimer() {
	s.watch.after = waitReportAfter
	s.watch.timer = time.AfterFunc(time.Hour, s.checkWait)
	s.watch.timer.Stop()
}

// watchBatch starts watching a batch at revision rev. The caller holds s.mu
// (one batch at a time) until it calls endWatch.
func (s *Source) watchBatch(rev int64) *batchWatch {
	s.stMu.Lock()
	w := &s.watch
	w.seq++
	w.active, w.rev, w.seenName = true, rev, nil
	s.stMu.Unlock()
	w.timer.Reset(w.after)
	return &w.batchWatch
}

// endWatch ends the watch of the batch; a wait it reported is over.
func (s *Source) endWatch() {
	w := &s.watch
	w.name.Store(nil)
	s.stMu.Lock()
	w.active = false
	ev := s.waitOverLocked()
	s.stMu.Unlock()
	w.timer.Stop()
	if ev != nil {
		s.e.publish(*ev)
	}
}

// checkWait looks at the batch in progress: if it is where it was at the
// last look, and waits on the program there, the source reports the wait;
// if it moved on, the wait reported is over. It looks again after
// waitReportAfter until the batch ends.
func (s *Source) checkWait() {
	w := &s.watch
	name, phase := w.name.Load(), w.phase.Load()
	now := time.Now()
	s.stMu.Lock()
	if !w.active {
		s.stMu.Unlock()
		return
	}
	var ev *Event
	switch same := name != nil && w.seenName == name && w.seenSeq == w.seq && w.seenPhase == phase; {
	case !same:
		w.seenSeq, w.seenName, w.seenPhase, w.seenAt = w.seq, name, phase, now
		ev = s.waitOverLocked()
	case phase != waitNone && s.waiting == nil:
		s.waiting = &record.Wait{Flag: *name, On: record.WaitOn(phase), Since: w.seenAt, Revision: w.rev}
		ev = s.refreshLocked()
	}
	w.timer.Reset(w.after)
	s.stMu.Unlock()
	if ev != nil {
		s.e.publish(*ev)
	}
}

// waitOverLocked clears the wait reported, if any, and returns the event of
// the state change this makes, if any. The caller holds s.stMu.
func (s *Source) waitOverLocked() *Event {
	if s.waiting == nil {
		return nil
	}
	s.waiting = nil
	return s.refreshLocked()
}

// ownState is the state a source's owner last set (SetState), and why.
type ownState struct {
	state record.State
	err   string
}

// refreshLocked makes the status say the state the owner set, and what the
// batch in progress waits on if the source reported a wait: a SERVING
// source is then DEGRADED (the origin's changes after the batch wait too:
// the values lag it, as when it is cut off), and the reason says what it
// waits on. It returns the event of a state change, or nil. The caller
// holds s.stMu.
func (s *Source) refreshLocked() *Event {
	state, reason := s.own.state, s.own.err
	if w := s.waiting; w != nil {
		if state == record.StateServing {
			state = record.StateDegraded
		}
		if reason != "" {
			reason += "; "
		}
		reason += w.String()
	}
	s.status.Waiting = s.waiting
	s.status.Err = reason
	if s.status.State == state {
		s.stateErr(reason)
		return nil
	}
	s.status.State, s.status.Since = state, time.Now()
	s.stateChanged(state, s.status.Since, reason)
	st := s.statusLocked()
	return &Event{Time: st.Since, Source: s.name, State: &st}
}

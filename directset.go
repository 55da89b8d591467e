package flagz

import (
	"time"

	"github.com/flagz-go/flagz/record"
)

// directSet is a change made by calling a value's Set directly, on its way
// to the engine's subscribers as an Event of source DirectSet.
type directSet struct {
	subs      []*queue[Event] // the subscribers when the Set began
	name      string
	input     string
	sensitive bool
}

// directSet returns what tells the subscribers of e of a direct Set of the
// flag called name with input, or nil when nobody subscribed.
func (e *Engine) directSet(name, input string, sensitive bool) *directSet {
	subs := e.subscribers()
	if len(subs) == 0 {
		return nil
	}
	return &directSet{subs: subs, name: name, input: input, sensitive: sensitive}
}

// publish queues the event of the change from old to new (their texts).
// The caller holds the flag's set lock, so the changes of one flag are
// queued in the order they took effect.
func (s *directSet) publish(old, new string) {
	o := Outcome{Flag: s.name, Result: record.Applied, Value: s.input, Old: old, New: new}
	if s.sensitive {
		o.Value, o.Old, o.New = Redacted, Redacted, Redacted
	}
	ev := Event{Time: time.Now(), Source: DirectSet, Report: Report{o}}
	for _, q := range s.subs {
		q.push(ev)
	}
}

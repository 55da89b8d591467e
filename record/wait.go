package record

import (
	"fmt"
	"time"
)

// Wait is what a batch of a source waits on (see SourceStatus.Waiting).
type Wait struct {
	Flag     string    `json:"flag"`     // the flag whose change waits
	On       WaitOn    `json:"on"`       // what that change waits on
	Since    time.Time `json:"since"`    // when the source first saw the batch waiting there
	Revision int64     `json:"revision"` // the batch's revision
}

// String says what the batch waits on, for SourceStatus.Err: `a batch
// (revision 7) waits since 2026-12-07T10:04:05Z on the validators of flag
// "rate"`.
func (w Wait) String() string {
	return fmt.Sprintf("a batch (revision %d) waits since %s on %s of flag %q",
		w.Revision, w.Since.UTC().Format(time.RFC3339), w.On, w.Flag)
}

// WaitOn is what the change of one flag in a batch waits on.
type WaitOn int

// What a batch may wait on.
const (
	// WaitChecks: the flag's parser and validators (code of the program for
	// a validator, or a type whose parsing it wrote: a JSON or proto value's
	// own unmarshalling).
	WaitChecks WaitOn = iota
	// WaitFlag: another change of the same flag, which holds it (a batch of
	// another source, or a direct Set, whose validator waits).
	WaitFlag
	// WaitSet: the Set method of a flag.Value flagz did not declare, or
	// another such Set holding the flag set.
	WaitSet
)

var waitOnNames = [...]string{"the parser and validators", "another change", "the flag.Value's Set"}

// String names what is waited on, as Wait.String writes it.
func (w WaitOn) String() string {
	if w < 0 || int(w) >= len(waitOnNames) {
		return "something"
	}
	return waitOnNames[w]
}

// MarshalText gives what is waited on as a short word, so that JSON shows
// "checks", "flag" or "set", not a number.
func (w WaitOn) MarshalText() ([]byte, error) {
	if w < 0 || int(w) >= len(waitOnWords) {
		return nil, fmt.Errorf("record: unknown WaitOn %d", int(w))
	}
	return []byte(waitOnWords[w]), nil
}

var waitOnWords = [...]string{"checks", "flag", "set"}

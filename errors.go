package flagz

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Redacted stands in for the value of a sensitive flag wherever flagz would
// show it: the debug page, JSON, logs, errors and metrics.
const Redacted = "[redacted]"

// Kinds of ValueError, for errors.Is.
var (
	// ErrParse: the input is not text of the flag's type.
	ErrParse = errors.New("cannot parse")
	// ErrInvalid: a validator rejected the parsed value.
	ErrInvalid = errors.New("rejected by validator")
)

// ValueError reports a value a flag refused. The flag keeps its previous
// value. errors.Is(err, ErrParse) or errors.Is(err, ErrInvalid) tells why.
type ValueError struct {
	Flag   string // the flag's name
	Type   string // the flag's type, such as "dyn_int64"
	Input  string // the refused input, or Redacted for a sensitive flag
	Kind   error  // ErrParse or ErrInvalid
	Reason error  // what the parser or the validator said
}

func (e *ValueError) Error() string {
	return fmt.Sprintf("flag %q: %v %q as %s: %v", e.Flag, e.Kind, e.Input, e.Type, e.Reason)
}

// Unwrap lets errors.Is and errors.As see both the kind and the reason.
func (e *ValueError) Unwrap() []error { return []error{e.Kind, e.Reason} }

// redactError hides a secret input inside an error's text while keeping the
// error for errors.Is and errors.As. Validators of sensitive flags should not
// quote the value in other forms.
func redactError(err error, input string) error {
	msg := err.Error()
	var ne *strconv.NumError
	if errors.As(err, &ne) {
		msg = ne.Err.Error()
	}
	for _, s := range []string{input, strings.TrimSpace(input)} {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, Redacted)
		}
	}
	return &redactedError{msg: msg, err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

package flagz

import (
	"errors"
	"fmt"
	"strconv"
)

// Redacted stands in for the value of a sensitive flag wherever flagz would
// show it: the debug page, JSON, logs, errors and metrics.
const Redacted = "[redacted]"

// Kinds of ValueError, for errors.Is.
var (
	// ErrParse: the input is not text of the flag's type, or is longer
	// than the flag's size limit (Dyn.WithMaxSize, Engine.SetMaxValueSize).
	ErrParse = errors.New("cannot parse")
	// ErrInvalid: a validator rejected the parsed value.
	ErrInvalid = errors.New("rejected by validator")
)

// ValueError reports a value a flag refused. The flag keeps its previous
// value. errors.Is(err, ErrParse) or errors.Is(err, ErrInvalid) tells why.
//
// For a sensitive flag no text derived from the input is kept: Input is
// Redacted and Reason is a fixed text naming who refused the value (the
// flag's type for a parse error, "not a valid dyn_duration"; the validator,
// such as "failed ValidateDynStringMatchesRegex(^sk-)" or "failed a custom
// validator (#2)", for a rejection). The parser's or validator's own error is dropped, not
// wrapped, since its text (or a field such as strconv.NumError.Num) may
// hold the value.
//
// A value over the flag's size limit is refused before it is parsed, with
// kind ErrParse and a Reason giving its size and the limit; Input then holds
// only its first 32 bytes and "…" (Redacted for a sensitive flag).
type ValueError struct {
	Flag   string // the flag's name
	Type   string // the flag's type, such as "dyn_int64"
	Input  string // the refused input, or Redacted for a sensitive flag
	Kind   error  // ErrParse or ErrInvalid
	Reason error  // what the parser or the validator said; a fixed text for a sensitive flag
}

// Error reads as `flag "rate_limit": value "0" refused: not in range [1,
// 10000]`, or for a parse error `flag "rate_limit": value "ten" refused: not
// a valid dyn_int64: strconv.ParseInt: parsing "ten": invalid syntax`; a
// sensitive flag's reads `value [redacted] refused: …`. An input longer than
// 256 bytes is quoted up to there, then "…"; Input keeps it whole.
func (e *ValueError) Error() string {
	input := e.Input
	if input != Redacted {
		input = strconv.Quote(abbreviateTo(input, maxQuoted))
	}
	return fmt.Sprintf("flag %q: value %s refused: %s", e.Flag, input, e.reason())
}

// maxQuoted is how many bytes of a refused input Error quotes; a longer
// one is cut, with an ellipsis, so that a log line stays a line.
const maxQuoted = 256

// reason is why the value was refused, without the flag and the input: the
// validator's text, or for a parse error the flag's type and what the
// parser said. A fixed text (a sensitive flag's, a size limit's) is given
// as it is.
func (e *ValueError) reason() string {
	var ft fixedText
	if e.Kind == ErrParse && !errors.As(e.Reason, &ft) {
		return fmt.Sprintf("not a valid %s: %v", e.Type, e.Reason)
	}
	return e.Reason.Error()
}

// Unwrap lets errors.Is and errors.As see both the kind and the reason.
func (e *ValueError) Unwrap() []error { return []error{e.Kind, e.Reason} }

// fixedText is an error whose text is derived from no input: a sensitive
// flag's error may carry it as it is.
type fixedText string

func (t fixedText) Error() string { return string(t) }

// validatorError is what this package's validators return: the text a
// person reads, and the validator's identity (its name and configuration,
// never the value), which is all a sensitive flag's error says.
type validatorError struct {
	validator string // such as "ValidateDynInt64Range(1, 10)"
	msg       string
}

func (e *validatorError) Error() string { return e.msg }

// sensitiveReason is the Reason of a ValueError of a sensitive flag: a
// fixed text saying who refused the value and nothing of the value itself.
// typeName is the flag's type; validator is the position (from 1) of the
// validator that refused it, for kind ErrInvalid.
func sensitiveReason(kind error, typeName string, validator int, reason error) error {
	if kind == ErrInvalid {
		var ve *validatorError
		if errors.As(reason, &ve) {
			return fixedText("failed " + ve.validator)
		}
		return fixedText(fmt.Sprintf("failed a custom validator (#%d)", validator))
	}
	var ft fixedText
	if errors.As(reason, &ft) {
		return ft
	}
	if typeName == "" {
		return fixedText("not a valid value")
	}
	return fixedText("not a valid " + typeName)
}

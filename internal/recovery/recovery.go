// Package recovery recovers the panics of code flagz runs on its users'
// behalf (notifiers, subscribers, parsers, validators, a flag.Value's
// methods, a source's origin), under one rule:
//
//   - The panic becomes an *Error naming the operation: "notifier
//     panicked: …".
//   - A site that has a log logs it there once, at ERROR, with the stack:
//     the message "flagz: <operation> panicked", then the site's own
//     attributes, "panic" and "stack". A site without a log (nil) logs
//     nothing: it hands the error to a caller that reports it (a refused
//     value reaches the engine's audit log and the Set's caller), or falls
//     back to what its doc comment says (an empty description).
//   - For a sensitive flag neither the error nor the log holds the panic's
//     value, which may quote the flag's value, nor the arguments of the
//     stack's frames, which hold values as numbers.
package recovery

import (
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
)

// Redacted stands in for a withheld panic value; it is flagz.Redacted.
const Redacted = "[redacted]"

// Site is where a panic is recovered: what ran, and where a panic of it is
// reported.
type Site struct {
	// Op names what ran, as a noun: "notifier", "validator", "Describe".
	Op string
	// Log receives the panic, once, at ERROR, with the stack; nil: the
	// panic is not logged (see the package doc).
	Log *slog.Logger
	// Attrs are key-value pairs of the log line naming what the operation
	// ran for, such as "flag", name; never modified.
	Attrs []any
	// Sensitive withholds the panic's value and the stack's arguments.
	Sensitive bool
}

// Recover, deferred directly (defer site.Recover(&err)), recovers a panic
// of the function deferring it: it sets *err to an *Error (err may be nil:
// the error is then dropped) and logs it to the site's log. Without a
// panic it does nothing.
func (s Site) Recover(err *error) {
	p := recover()
	if p == nil {
		return
	}
	e := s.newError(p, string(debug.Stack()))
	if s.Log != nil {
		attrs := make([]any, 0, len(s.Attrs)+4)
		attrs = append(attrs, s.Attrs...)
		s.Log.Error("flagz: "+s.Op+" panicked", append(attrs, "panic", e.shown, "stack", e.Stack)...)
	}
	if err != nil {
		*err = e
	}
}

// newError turns the recovered value p and the stack where it was
// recovered into an Error, withholding what a sensitive site must.
func (s Site) newError(p any, stack string) *Error {
	if s.Sensitive {
		return &Error{Op: s.Op, Stack: withoutArguments(stack),
			shown: fmt.Sprintf("%s (a panic value of type %T; withheld: the flag is sensitive)", Redacted, p)}
	}
	return &Error{Op: s.Op, Stack: stack, value: p, shown: fmt.Sprint(p)}
}

// Error is a recovered panic.
type Error struct {
	Op    string // what panicked, as the site named it
	Stack string // the stack where the panic was recovered; without arguments for a sensitive site

	value any    // the panic's value; nil when withheld
	shown string // its text, or what stands in for it
}

// Error returns "<op> panicked: <the panic's value>".
func (e *Error) Error() string { return e.Op + " panicked: " + e.shown }

// Unwrap returns the panic's value if it is an error (and was not
// withheld).
func (e *Error) Unwrap() error {
	err, _ := e.value.(error)
	return err
}

// withoutArguments removes the argument words from the frames of a stack
// trace: "main.notify(0x4d2, 0x7a69)" becomes "main.notify(...)".
func withoutArguments(stack string) string {
	lines := strings.Split(stack, "\n")
	for i, line := range lines {
		if strings.HasPrefix(line, "\t") || !strings.HasSuffix(line, ")") {
			continue // a file:line, or no call
		}
		if open := strings.LastIndexByte(line, '('); open >= 0 {
			lines[i] = line[:open] + "(...)"
		}
	}
	return strings.Join(lines, "\n")
}

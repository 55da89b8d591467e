package flagz

import (
	"fmt"

	"github.com/flagz-go/flagz/internal/textcut"
)

// DefaultMaxValueSize is the size limit, in bytes, of a value given to a
// flag when neither its flag set (Engine.SetMaxValueSize) nor the flag
// (Dyn.WithMaxSize) says otherwise: 256 KiB.
//
// A flag's value is configuration, usually a few bytes and rarely more than
// a few KiB, while parsing can cost far more memory than the text: a
// 1.4 MB binary protocol buffer took some 100 MB of heap to decode, and
// 1.4 MB of `[{},{},…]` JSON some 34 MB. 256 KiB leaves room for large
// routing tables and allow-lists, is a quarter of what a Kubernetes
// ConfigMap holds in all (1 MiB), and bounds the worst case of one parse to
// about 15 MB allocated (benchmarks/README.md has the measurements).
const DefaultMaxValueSize = 256 << 10

// shownPrefix is how many bytes of an oversized value its error quotes.
const shownPrefix = 32

// SetMaxValueSize sets the size limit, in bytes, of the values of every
// flag of the flag set that does not set its own (Dyn.WithMaxSize): a
// longer value is refused before it is parsed, with a ValueError of kind
// ErrParse, whatever sets it (Set, a source, the debug page, a file read by
// ReadFileFlags), and the flag keeps its value. n = 0 restores
// DefaultMaxValueSize; n < 0 removes the limit. The limit covers the flags
// flagz did not declare too when a source sets them. Safe to call at any
// time; values already held are kept.
func (e *Engine) SetMaxValueSize(n int) {
	e.maxValueSize.Store(int64(n))
}

// maxSize is the flag set's limit: 0 for none.
func (e *Engine) maxSize() int {
	if e == nil {
		return DefaultMaxValueSize
	}
	switch n := e.maxValueSize.Load(); {
	case n == 0:
		return DefaultMaxValueSize
	case n < 0:
		return 0
	default:
		return int(n)
	}
}

// WithMaxSize sets the size limit, in bytes, of this flag's values, in
// place of its flag set's (Engine.SetMaxValueSize, by default
// DefaultMaxValueSize): a longer value is refused before it is parsed, with
// a ValueError of kind ErrParse, and the flag keeps its value. n = 0 returns
// to the flag set's limit; n < 0 removes the limit. It returns d for
// chaining.
func (d *Dyn[T]) WithMaxSize(n int) *Dyn[T] {
	d.maxSize.Store(int64(n))
	return d
}

// maxValueSize is the limit of this flag: 0 for none.
func (d *Dyn[T]) maxValueSize() int {
	switch n := d.maxSize.Load(); {
	case n == 0:
		return d.engine.maxSize()
	case n < 0:
		return 0
	default:
		return int(n)
	}
}

// overLimit reports whether input is longer than limit (0: no limit).
func overLimit(input string, limit int) bool {
	return limit > 0 && len(input) > limit
}

// sizeError is the reason of a refusal for size: it says nothing of the
// value but its length, so a sensitive flag's error may carry it as it is.
func sizeError(size, limit int) error {
	return fixedText(fmt.Sprintf("%d bytes, over the limit of %d bytes", size, limit))
}

// abbreviate shortens an oversized value for errors and records: its first
// bytes (whole characters) and an ellipsis.
func abbreviate(s string) string { return abbreviateTo(s, shownPrefix) }

// abbreviateTo keeps the first n bytes of s (whole characters) and an
// ellipsis when s is longer.
func abbreviateTo(s string, n int) string { return textcut.Cut(s, n) }

// refuseOversized refuses, unparsed, a value over the limit for a flag
// flagz did not declare, and records the rejection. The caller holds en.mu.
func (e *Engine) refuseOversized(en *entry, source string, rev int64, value, shown string, limit int) Outcome {
	input := abbreviate(value)
	if en.sensitive() {
		input = Redacted
	}
	err := &ValueError{Flag: en.flag.Name, Type: en.flag.Value.Type(), Input: input, Kind: ErrParse, Reason: sizeError(len(value), limit)}
	en.commit.Lock()
	defer en.commit.Unlock()
	return e.settle(en, source, rev, shown, "", "", false, false, err)
}

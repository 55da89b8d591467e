package flagz

import (
	"maps"

	"github.com/flagz-go/flagz/record"
	"github.com/spf13/pflag"
)

// Precedence between the command line and sources: a flag set explicitly
// before any source ran (on the command line, by the program, or from the
// environment by a parser that sets flags) was chosen by whoever started
// the process.
//
//   - A static flag given there keeps that value: a source's value for it
//     is not applied (Result CommandLine) and is logged once, with both
//     values.
//   - A dynamic flag follows its sources, as its name says: the first time
//     a source changes it away from the command-line value, a warning names
//     both values.
//
// The engine takes note of these flags when the first batch of any source
// arrives, so a program parses its command line before it starts a source.

// captureCommandLine notes, once, which flags were set before any source
// ran, with their values.
func (e *Engine) captureCommandLine() {
	if e.cmdline.Load() != nil {
		return
	}
	e.fsMu.Lock()
	defer e.fsMu.Unlock()
	given := map[string]string{}
	e.fs.visitSet(func(f *pflag.Flag) { given[f.Name] = f.Value.String() })
	e.cmdline.CompareAndSwap(nil, &given)
}

// commandLine returns the flags set before any source ran, nil before the
// first source's first batch. The map is never modified.
func (e *Engine) commandLine() map[string]string {
	if given := e.cmdline.Load(); given != nil {
		return *given
	}
	return nil
}

// Explicit sources (package env, through internal/link) stand for what the
// person starting the process chose, as the command line does:
//
//   - a flag given on the command line keeps that value: the explicit
//     source's value for it is not applied (Result CommandLine), a
//     dynamic flag's included;
//   - the values an explicit source applies count as given for every other
//     source, as the command line's do: a static flag keeps its value
//     whatever they hold, and the first time one changes a dynamic flag
//     away from it a warning names both values.
//
// FlagState.CommandLine stays the command line's value alone: what the
// environment holds shows as that source's holding.

// markExplicit makes s an explicit source.
func (s *Source) markExplicit() {
	s.mu.Lock()
	s.explicit = true
	s.mu.Unlock()
}

// explicitValues returns the values explicit sources applied, by flag
// name; nil when none did. The map is never modified.
func (e *Engine) explicitValues() map[string]givenValue {
	if m := e.explicit.Load(); m != nil {
		return *m
	}
	return nil
}

// explicitApplied records what the batch of the explicit source called
// source did: values it applied (or found in place) are given from now
// on; names it dropped are not any more.
func (e *Engine) explicitApplied(source string, values map[string]string, report Report) {
	e.mu.Lock()
	defer e.mu.Unlock()
	m := maps.Clone(e.explicitValues())
	if m == nil {
		m = map[string]givenValue{}
	}
	for _, o := range report {
		switch {
		case o.Removed:
			if m[o.Flag].by == source {
				delete(m, o.Flag)
			}
		case o.Result == record.Applied || o.Result == record.Unchanged:
			if v, ok := values[o.Flag]; ok {
				m[o.Flag] = givenValue{text: v, by: source}
			}
		}
	}
	e.explicit.Store(&m)
}

package flagz

import "github.com/spf13/pflag"

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

// Package walkthrough holds the test that runs the shell walkthroughs of
// README.md and docs/*.md as a reader would: every ```sh block marked
// <!-- walkthrough --> is run line by line, against the demo (built from
// examples/server), the flagz command (built from cmd/flagz) and the
// README's complete program (extracted from README.md, built in a module
// outside the repository). A block that is not a walkthrough must say, on
// its first line, that it is illustrative.
package walkthrough

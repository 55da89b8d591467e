// Package link lets package source (and package env) reach the parts of package flagz's
// engine that a source needs and a flag user never sees, as
// database/sql/driver's implementations are reached by database/sql
// without widening its API. Package flagz fills the variables when it is
// initialised; package source imports flagz, so they are set before any
// source runs.
package link

import (
	"log/slog"
	"time"

	"github.com/flagz-go/flagz/record"
)

// The engine's hooks. The flag set, engine and source handles travel as
// any: this package cannot name flagz's types without an import cycle.
var (
	// Claim gives the source called name of engine (a *flagz.Engine) to
	// owner alone and returns its handle (a *flagz.Source), or an error
	// wrapping the given errNameInUse.
	Claim func(engine any, name string, owner any, logger *slog.Logger, errNameInUse error) (any, error)
	// Release lets another owner claim the source.
	Release func(src, owner any)
	// Loaded reports whether the source had its initial load.
	Loaded func(src any) bool
	// LastApplied returns the text the source last applied to name.
	LastApplied func(src any, name string) (string, bool)
	// AppliedValues returns LastApplied of every name, read in one step.
	AppliedValues func(src any) map[string]string
	// ServingSnapshot records that the source serves the values of its
	// snapshot file at path, written at written, saved at revision; an
	// empty path clears it.
	ServingSnapshot func(src any, path string, written time.Time, revision int64)
	// Problem records that the source has the problem called name (err
	// not nil) or no longer has it (nil), and reports whether it started
	// or ended with this call.
	Problem func(src any, name string, err error) (started, ended bool)
	// ClearProblems ends every problem of the source and returns them.
	ClearProblems func(src any) []record.Problem
	// FormatList writes items as list values read them.
	FormatList func(items []string) string
	// Explicit makes the source (a *flagz.Source) an explicit one, as the
	// command line is: package env's.
	Explicit func(src any)
)

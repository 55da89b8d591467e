// Package flagz declares command-line flags whose values can change while
// the program runs, and applies changes to them from any source (etcd, a
// Kubernetes ConfigMap, a file, the debug page) under one set of rules.
//
// # Values
//
// DynInt64, DynBool, DynString, DynDuration, DynFloat64, DynStringSlice,
// DynStringSet, DynJSON, DynJSONOf and DynProto declare values on a
// spf13/pflag FlagSet or a standard library flag.FlagSet. Get is lock-free
// and allocation-free; Set parses, validates, swaps and notifies:
//
//	var rate = flagz.DynInt64(pflag.CommandLine, "rate", 100, "requests per second").
//		WithValidator(flagz.ValidateDynInt64Range(1, 10_000)).
//		WithNotifier(func(old, new int64) { limiter.SetLimit(new) })
//
//	func handle() { if n := rate.Get(); … }
//
// Values returned by Get for slices, sets, JSON and protocol buffers are
// shared snapshots: read them, never modify them.
//
// # Static and dynamic flags
//
// Flags not declared by flagz (or marked with MarkFlagDynamic) are static:
// sources may set them only while loading at start-up; a later change is
// reported as "restart required" and not applied.
//
// # The engine
//
// Every source changes flags through EngineFor(fs).Source(name): it turns
// its events into Load (first full snapshot), Reconcile (full snapshot after
// a gap), Update (changed names) and Remove (names gone, which return to
// their defaults). The engine applies them, keeps the last good value of any
// flag that refuses a value, records the last change and rejection of every
// flag, counts updates, and keeps each source's health, which the debug
// handler and the Prometheus collectors show.
package flagz

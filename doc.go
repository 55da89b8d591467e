// Package flagz declares command-line flags whose values can change while
// the program runs, and applies changes to them from any source (etcd, a
// Kubernetes ConfigMap, a file, the debug page) under one set of rules.
//
// # Values
//
// DynInt64, DynBool, DynString, DynDuration, DynFloat64, DynStringSlice,
// DynStringSet, DynJSON, DynJSONOf, DynProto and DynRollout declare values
// on a spf13/pflag FlagSet or a standard library flag.FlagSet. Get is
// lock-free and allocation-free; Set parses, validates, swaps and notifies:
//
//	var rate = flagz.DynInt64(pflag.CommandLine, "rate", 100, "requests per second").
//		WithValidator(flagz.ValidateDynInt64Range(1, 10_000)).
//		WithNotifier(func(old, new int64) { log.Printf("rate %d -> %d", old, new) })
//
//	func handle() { if n := rate.Get(); … }
//
// Values returned by Get for slices, sets, JSON and protocol buffers are
// shared snapshots: read them, never modify them.
//
// DynStruct declares related settings as one struct whose fields are flags
// of their own: Get returns the whole struct, and a source's batch that
// changes several fields changes it once, through validators that see
// every field.
//
// # Validators, checksums, marking
//
// ValidateDynInt64Range, ValidateDynFloat64Range,
// ValidateDynStringMatchesRegex and the MinElements validators check values
// before they are applied. ChecksumFlagSet and Engine.DynamicChecksum hash what a
// process runs with, so that a fleet can be compared; sensitive values
// (WithSensitive, MarkSensitive) stay out of every output, checksums
// included. IsFlagDynamic, MarkFlagDynamic and IsFlagStatic tell the two
// kinds of flags apart: flags not declared by flagz are static, and sources
// may set them only while loading at start-up; a later change is reported
// as "restart required" and not applied. A static flag given on the
// command line keeps that value.
//
// # Reading the engine
//
// EngineFor returns the Engine of a flag set: what tools read (the debug
// page, the metrics, the OpenFeature provider). Engine.Flags and
// Engine.Flag give each flag's value, last change, last rejection and
// history; Engine.Sources gives each source's health; Engine.Subscribe
// tells of every change. The records they hold (record.Change,
// record.SourceStatus, …) are in package record.
//
// Sources (etcd, ConfigMaps, files) are written with package source; a
// flag user needs only their constructors. Package env sets flags from
// environment variables.
package flagz

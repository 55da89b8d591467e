// Package record holds what a flagz engine records about its flags and
// sources: each change a source made to a flag (Change), what each source
// holds for a flag (Holding), what became of a name in an update (Result),
// and each source's health, counters and problems (SourceStatus, Problem).
//
// A service author rarely needs it: the records are read through
// flagz.Engine (Flags, Flag, Sources, Subscribe) by tools such as the debug
// page, the Prometheus collectors and the OpenFeature provider. The package
// holds data only; it imports nothing of flagz. The records' JSON form
// is the debug page's (/debug/flagz?format=json): its field names do not
// change.
package record

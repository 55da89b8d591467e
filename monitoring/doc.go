// Package monitoring exports the state of a flagz flag set to Prometheus.
//
// A Collector reads the flag set's engine (flagz.EngineFor) at every scrape,
// in client_golang's collector model (constant metrics computed when
// collected), and exports:
//
//	flagz_checksum{set, kind="dynamic"|"static"}             gauge
//	flagz_updates_total{set, flag, source, result}           counter
//	flagz_source_state{set, source, state}                   gauge, 1 for the current state
//	flagz_source_last_sync_timestamp_seconds{set, source}    gauge
//	flagz_source_last_revision{set, source}                  gauge
//
// Register it on a registry of your choice; nothing goes to the global
// registry unless you pass it:
//
//	reg := prometheus.NewRegistry()
//	if _, err := monitoring.Register(reg, pflag.CommandLine); err != nil { … }
//	http.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
//
// # Checksums as values
//
// The value of flagz_checksum is the checksum itself (flagz.Engine.DynamicChecksum,
// FNV-1a over the sorted names and values), cut to its top 53 bits because a
// float64 holds 53 bits exactly (ChecksumValue). A change of value changes
// the number, not the series, so there is no new series per change, and
// processes holding the same values report the same number. PromQL groups
// them:
//
//	count_values by (set) ("checksum", flagz_checksum{kind="dynamic"})
//
// gives one series per distinct checksum with the number of processes
// holding it: more than one series means the fleet disagrees. go-flagz's form
// (the checksum as a label, value 1) is available with WithChecksumLabel.
//
// The set label is flagz.Engine.Name unless WithSetName gives another: for
// pflag.CommandLine or flag.CommandLine (named os.Args[0]) it is the
// program's name (the binary's file name without ".exe"), so every process
// of one service shares it, under `go run` too.
//
// # Cardinality
//
// Flag labels take only declared flag names: updates naming an unknown flag
// all count under flag="(unknown)" (UnknownFlag). Sources are the ones the
// program registers, results are four, so the number of series is bounded
// by the declared flags and never grows with changes. Values never appear in
// labels, so sensitive values cannot leak through metrics (the label form of
// the checksum exposes a hash, as the value form does).
package monitoring

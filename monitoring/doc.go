// Package monitoring exports the state of a flagz flag set to Prometheus.
//
// A Collector reads the flag set's engine (flagz.EngineFor) at every scrape,
// in client_golang's collector model (constant metrics computed when
// collected), and exports:
//
//	flagz_checksum{set, kind="dynamic"|"static"}             gauge, the checksum's top 53 bits
//	flagz_updates_total{set, flag, source, result}           counter
//	flagz_source_state{set, source, state}                   gauge, 1 for the current state
//	flagz_source_last_sync_timestamp_seconds{set, source}    gauge
//	flagz_source_last_revision{set, source}                  gauge
//	flagz_source_problem{set, source, problem}               gauge, 1 while the problem lasts
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
// # The checksum as people read it
//
// The debug page, the presence record and `flagz status` write the whole
// 64-bit checksum as 16 hex digits, ca2edb3344ff8864. A float64 cannot
// hold 64 bits, so flagz_checksum carries its top 53 bits (ChecksumValue:
// the checksum shifted right by 11), 7113683036053489, which Prometheus
// prints in decimal (its text exposition as 7.113683036053489e+15). The
// page and `flagz status` print that number beside the hex digits
// ("metric 7113683036053489"; JSON dynamic_metric, checksum_metric), so
// a checksum that count_values or an alert names is found as it is, and
// the processes holding it are
//
//	flagz_checksum{kind="dynamic"} == 7113683036053489
//
// A label holding all 64 bits would start a new series at every change of
// values; WithChecksumLabel offers that form.
//
// # Problems
//
// flagz_source_problem{source, problem} is 1 while a source has a problem
// (record.Problem): a failure beside serving values that an operator must
// see, by a short stable name: "snapshot" (its last-known-good snapshot
// file cannot be written), "presence" (the etcd watcher's presence record
// cannot be published). It is absent otherwise, so
//
//	flagz_source_problem == 1
//
// alerts on any; the debug page says why and since when.
//
// # Cardinality
//
// Flag labels take only declared flag names: updates naming an unknown flag
// all count under flag="(unknown)" (UnknownFlag). Sources are the ones the
// program registers, results are four, so the number of series is bounded
// by the declared flags and never grows with changes (problem names are
// the few the sources fix). Values never appear in labels, so sensitive
// values cannot leak through metrics (the label form of the checksum
// exposes a hash, as the value form does).
package monitoring

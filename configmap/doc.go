// Package configmap keeps flagz flags in step with files: a Kubernetes
// ConfigMap mounted as a volume (New), or one YAML or JSON file (NewFile).
//
// # Mounted ConfigMap
//
// Each key of the ConfigMap is a file named after a flag, holding its value:
//
//	volumes:
//	  - name: flags
//	    configMap: {name: my-service-flags}
//	containers:
//	  - volumeMounts: [{name: flags, mountPath: /etc/flags}]
//
//	w, err := configmap.New(pflag.CommandLine, "/etc/flags", configmap.WithLogger(logger))
//	if err != nil { … }  // an option given a value it cannot take, named in err
//	go w.Run(ctx)        // or Initialize before serving, then Start; Stop on shutdown
//
// The kubelet updates the volume by writing a new ..<timestamp> directory and
// renaming a ..data_tmp symlink over ..data. The watcher watches the
// directory and its parent and takes any event on ..data or a key, whatever
// operation the platform reports it as, as a hint: an event on ..data means
// a complete version is in place and is read at once; other events wait out
// their burst (WithDebounce). Each read takes the whole version through
// ..data, resolved once, and is skipped when its content did not change. A removed key returns its flag to the
// default; a static flag changed after start-up is reported as needing a
// restart; a bad value is refused and the last good one kept, all under the
// engine's rules (see flagz.Source). A periodic full read (WithResyncPeriod)
// catches events lost anyway. If the directory vanishes, the flags keep
// their values and the source is DEGRADED until it is back, watched again.
//
// # YAML or JSON file
//
// NewFile follows one file mapping flag names to values, written in place,
// saved by an editor through a rename, or deleted and recreated. A file is
// applied only whole: one that does not parse, and an empty one (the gap of
// a truncate-then-write), change nothing. See NewFile for how YAML values
// become flag text.
//
// # Initialize
//
// Initialize returns the report of the initial load, one outcome per name:
// a bad value or an unknown name does not fail it, and report.Err() joins
// the refusals, each naming its flag. Its error says only that the origin
// could not be loaded (missing, unreadable, unparsable or empty), and the
// report is then nil. Run logs both and goes on watching.
//
// # Health
//
// Status (the flagz source's status, also on the debug page and in metrics)
// is SERVING while the origin reads well, DEGRADED with the reason while it
// is missing, unreadable or unparsable, and STOPPED after Stop; it counts
// applied, rejected, restart-required and ignored names.
package configmap

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
// # Entries that are not regular files
//
// Only regular files are read, through symlinks. A named pipe, a socket or
// a device is never opened, so no read waits on one: each file is checked
// before it is opened, opened with O_NONBLOCK, and checked again once open,
// so one swapped in between is refused too. In a directory, such an entry
// among the keys, a dangling symlink (Emacs's .#name lock files in a plain
// directory), a key that may not be read, or a directory named after a
// flag affects that key only: the other keys apply their changes as usual,
// the key's flag keeps the last value the watcher read (a key that cannot
// be read is not gone: only a key that is gone returns its flag to the
// default), and the source is DEGRADED with an error naming each such key,
// until none is left. Other subdirectories are not keys and are skipped. A
// file source whose path is not a regular file cannot read anything: the
// flags keep their values and the source is DEGRADED naming the path.
//
// Reads run on a goroutine of their own, one at a time, so that neither
// Initialize (past its context's deadline) nor Stop waits for a file system
// that does not answer, such as a hung network mount. A read blocked in
// the kernel cannot be interrupted: it is left to end, and the next read
// starts only then; meanwhile the source's state stays as it was.
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
// the refusals, each naming its flag. A key of a directory that cannot be
// read does not fail it either: the other keys load, and the source is
// DEGRADED naming the key (see Status). Its error says only that the
// origin could not be loaded (missing, unreadable, not a regular file or
// directory, unparsable or empty), or that its context ended first, and
// the report is then nil. Run logs both and goes on watching.
//
// # Health
//
// Status (the flagz source's status, also on the debug page and in metrics)
// is SERVING while the origin reads well, DEGRADED with the reason while it
// is missing, unreadable or unparsable, or while some keys of a directory
// cannot be read (the others still apply), and STOPPED after Stop; it
// counts applied, rejected, restart-required and ignored names.
package configmap

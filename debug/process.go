package debug

import (
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"time"
)

// started approximates the process's start: the debug package is
// initialised before main runs.
var started = time.Now()

// processInfo is what does not change while the process runs, read once.
var processInfo = sync.OnceValue(func() Process {
	p := Process{PID: os.Getpid(), Started: started, GoVersion: runtime.Version()}
	p.Host, _ = os.Hostname()
	if bi, ok := debug.ReadBuildInfo(); ok {
		p.Module, p.Version = bi.Main.Path, bi.Main.Version
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				p.VCSRevision = s.Value
			case "vcs.modified":
				p.VCSModified = s.Value == "true"
			}
		}
	}
	return p
})

// process returns the process's identity at now.
func process(now time.Time) Process {
	p := processInfo()
	p.UptimeSeconds = int64(now.Sub(p.Started) / time.Second)
	return p
}

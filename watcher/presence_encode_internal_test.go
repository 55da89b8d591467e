package watcher

import (
	"fmt"
	"testing"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/watcher/presence"
	"github.com/spf13/pflag"
)

// benchPresenceState returns the presence state of a flag set of n flags
// like a small service's (a third each strings, durations, with range
// validators, and booleans), not connected to etcd.
func benchPresenceState(n int) *presenceState {
	fs := pflag.NewFlagSet("bench", pflag.ContinueOnError)
	for j := range n {
		switch j % 3 {
		case 0:
			flagz.DynString(fs, fmt.Sprintf("name-%d", j), "x", "a string flag")
		case 1:
			flagz.DynDuration(fs, fmt.Sprintf("timeout-%d", j), time.Second, "a duration flag").
				WithValidator(flagz.ValidateDynDurationRange(time.Millisecond, time.Minute))
		default:
			flagz.DynBool(fs, fmt.Sprintf("enabled-%d", j), false, "a bool flag")
		}
	}
	engine := flagz.EngineFor(fs)
	ps := &presenceState{
		engine:      engine,
		status:      func() record.SourceStatus { return record.SourceStatus{State: record.StateServing} },
		rejections:  map[string]presence.Rejection{},
		infoRecheck: 5 * time.Second,
	}
	ps.base.ID, ps.base.Host, ps.base.PID = "host/1234/1700000000000000000", "host", 1234
	ps.base.Version, ps.base.FlagSet, ps.base.Prefix = "v1.2.3", engine.Name(), "/flagz/bench"
	return ps
}

// BenchmarkPresenceEncode is the presence CPU of one change in the
// process: building the value of the record's key written per change.
func BenchmarkPresenceEncode(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprint(n, "flags"), func(b *testing.B) {
			ps := benchPresenceState(n)
			size := 0
			for b.Loop() {
				out, err := ps.encode()
				if err != nil {
					b.Fatal(err)
				}
				size = len(out)
			}
			b.ReportMetric(float64(size), "B/write")
		})
	}
}

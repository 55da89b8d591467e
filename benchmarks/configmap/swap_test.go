package configmap

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/benchmarks/internal/latency"
	fcm "github.com/flagz-go/flagz/configmap"
	"github.com/flagz-go/flagz/internal/atomicwriter"
)

// Run with a fixed count so that percentiles have enough samples:
//
//	go test -run '^$' -bench SwapToVisible -benchtime 300x ./configmap/

// swapToVisible publishes b.N versions with the kubelet's atomic writer and
// measures, for each, the time from the start of the write until get returns
// the new value; it reports the 50th and 99th percentiles.
func swapToVisible(b *testing.B, aw *atomicwriter.Writer, payload func(v int) map[string]string, get func() int64) {
	b.Helper()
	latencies := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		v := int64(i + 2)
		start := time.Now()
		if err := aw.WriteStrings(payload(int(v))); err != nil {
			b.Fatal(err)
		}
		latencies = append(latencies, latency.WaitVisible(b, start, fmt.Sprintf("swap %d", v), func() bool { return get() == v }))
	}
	b.StopTimer()
	latency.Report(b, "", latencies)
}

// quiet drops flagz's audit log, one line per change: viper logs nothing.
var quiet = slog.New(slog.DiscardHandler)

func newVolume(b *testing.B) (*atomicwriter.Writer, string) {
	dir := filepath.Join(b.TempDir(), "config")
	aw, err := atomicwriter.New(dir)
	if err != nil {
		b.Fatal(err)
	}
	return aw, dir
}

// yamlPayload is a volume holding one config.yaml key that sets rate to v.
func yamlPayload(v int) map[string]string {
	return map[string]string{"config.yaml": "rate: " + strconv.Itoa(v) + "\n"}
}

// followWithFlagz publishes payload(1) on a new volume, follows it with the
// watcher newWatcher makes, and measures swaps until the rate flag shows them.
func followWithFlagz(b *testing.B, payload func(v int) map[string]string, newWatcher func(fs *pflag.FlagSet, dir string) (*fcm.Watcher, error)) {
	aw, dir := newVolume(b)
	if err := aw.WriteStrings(payload(1)); err != nil {
		b.Fatal(err)
	}
	fs := pflag.NewFlagSet("bench", pflag.ContinueOnError)
	rate := flagz.DynInt64(fs, "rate", 0, "rate")
	w, err := newWatcher(fs, dir)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := w.Initialize(context.Background()); err != nil {
		b.Fatal(err)
	}
	if err := w.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	defer w.Stop()
	swapToVisible(b, aw, payload, rate.Get)
}

func BenchmarkSwapToVisible(b *testing.B) {
	// flagz: one key per flag, the directory source with its defaults.
	b.Run("flagz-dir", func(b *testing.B) {
		followWithFlagz(b, func(v int) map[string]string { return map[string]string{"rate": strconv.Itoa(v) + "\n"} },
			func(fs *pflag.FlagSet, dir string) (*fcm.Watcher, error) {
				return fcm.New(fs, dir, fcm.WithLogger(quiet))
			})
	})

	// flagz: a YAML file that is a key of the ConfigMap, the file source with
	// the directory's debounce (its own default, 100 ms, guards in-place writes).
	b.Run("flagz-file", func(b *testing.B) {
		followWithFlagz(b, yamlPayload, func(fs *pflag.FlagSet, dir string) (*fcm.Watcher, error) {
			return fcm.NewFile(fs, filepath.Join(dir, "config.yaml"), fcm.WithDebounce(fcm.DefaultDirDebounce), fcm.WithLogger(quiet))
		})
	})

	// viper: the same swap of a config.yaml key, followed by WatchConfig (it
	// cannot be stopped; its goroutine outlives the benchmark).
	b.Run("viper", func(b *testing.B) {
		aw, dir := newVolume(b)
		payload := yamlPayload
		if err := aw.WriteStrings(payload(1)); err != nil {
			b.Fatal(err)
		}
		v := viper.New()
		v.SetConfigFile(filepath.Join(dir, "config.yaml"))
		if err := v.ReadInConfig(); err != nil {
			b.Fatal(err)
		}
		v.OnConfigChange(func(fsnotify.Event) {})
		v.WatchConfig()
		swapToVisible(b, aw, payload, func() int64 { return v.GetInt64("rate") })
	})
}

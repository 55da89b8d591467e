package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/watcher"
	"github.com/flagz-go/flagz/watcher/etcdtest"
	"github.com/spf13/pflag"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// process is an in-process stand-in for one service of the fleet: its own
// flag set, etcd client and watcher with presence, as a real process has.
type process struct {
	fs      *pflag.FlagSet
	rate    *flagz.DynInt64Value
	name    *flagz.DynStringValue
	workers *int
	w       *watcher.Watcher
	cli     *clientv3.Client // the watcher's client
}

// processOptions configure a test process.
type processOptions struct {
	maxRate     int64 // rate accepts 1..maxRate
	rollback    bool
	presenceTTL time.Duration // 0: the watcher's default
	id          string        // the presence id; "": the watcher's default
	plainToken  bool          // token is not sensitive (a build before it was marked so)
	user        string        // an etcd user, "name:password"; "": none
	logger      *slog.Logger  // the watcher's; nil: none
	options     []watcher.Option
	refuseMode  string // a mode the process refuses besides unknown ones (a custom validator pre-flight cannot run)
	health      func(context.Context) error
}

// startProcess starts a process following testPrefix on endpoints. Its
// flags: rate (dyn_int64, range 1..maxRate), name (dyn_string, ^[a-z]+$),
// mode (dyn_string, fast or safe, by a custom validator quoting the value
// as it is), token (dyn_string, ^sk-, sensitive unless plainToken),
// workers (a static int).
func startProcess(t *testing.T, endpoints []string, o processOptions) *process {
	t.Helper()
	if o.maxRate == 0 {
		o.maxRate = 100
	}
	p := &process{fs: pflag.NewFlagSet("svc", pflag.ContinueOnError)}
	p.rate = flagz.DynInt64(p.fs, "rate", 10, "requests per second").
		WithValidator(flagz.ValidateDynInt64Range(1, o.maxRate))
	p.name = flagz.DynString(p.fs, "name", "default", "a lower-case name").
		WithValidator(flagz.ValidateDynStringMatchesRegex(regexp.MustCompile(`^[a-z]+$`)))
	p.workers = p.fs.Int("workers", 4, "worker goroutines (static)")
	flagz.DynString(p.fs, "mode", "fast", "fast or safe").WithValidator(func(v string) error {
		if v != "fast" && v != "safe" {
			return fmt.Errorf("unknown mode %s: want fast or safe", v)
		}
		if o.refuseMode != "" && v == o.refuseMode {
			return fmt.Errorf("mode %s: not in this build", v)
		}
		return nil
	})
	token := flagz.DynString(p.fs, "token", "", "an API key").
		WithValidator(flagz.ValidateDynStringMatchesRegex(regexp.MustCompile(`^sk-`)))
	if !o.plainToken {
		token.WithSensitive()
	}
	cli := etcdtest.NewClient(t, endpoints...)
	if o.user != "" {
		cli = authClient(t, endpoints, o.user)
	}
	if o.logger == nil {
		o.logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	opts := []watcher.Option{watcher.WithLogger(o.logger), watcher.WithRollback(o.rollback), watcher.WithPresence()}
	if o.id != "" {
		opts = append(opts, watcher.WithPresenceID(o.id))
	}
	if o.health != nil {
		opts = append(opts, watcher.WithHealth(o.health), watcher.WithHealthInterval(20*time.Millisecond))
	}
	if o.presenceTTL > 0 {
		opts = append(opts, watcher.WithPresenceTTL(o.presenceTTL))
	}
	w, err := watcher.New(p.fs, cli, testPrefix, append(opts, o.options...)...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Initialize(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := w.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	p.w, p.cli = w, cli
	return p
}

// waitProcesses waits until flagz status sees n live processes.
func waitProcesses(t *testing.T, endpoints []string, n int) {
	t.Helper()
	eventually(t, "flagz status shows the processes", func() (bool, string) {
		r := flagzAt(t, endpoints, "status", "-o", "json")
		var st statusOutput
		if r.code == 0 {
			decode(t, r, &st)
		}
		return r.code == 0 && len(st.Processes) == n, r.String()
	})
}

// eventually polls cond until it holds, failing the test after testTimeout
// with cond's last description of what it saw.
func eventually(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for {
		ok, saw := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s; last saw:\n%s", testTimeout, what, saw)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// authClient returns a client of endpoints authenticated as user
// ("name:password"), closed when the test ends.
func authClient(t *testing.T, endpoints []string, user string) *clientv3.Client {
	t.Helper()
	name, password, _ := strings.Cut(user, ":")
	cli, err := clientv3.New(clientv3.Config{Endpoints: endpoints, Username: name, Password: password,
		DialTimeout: 20 * time.Second, // it authenticates while it dials: bcrypt, slow under -race
		Logger:      zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	return cli
}

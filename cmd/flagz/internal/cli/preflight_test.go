package cli

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/watcher/presence"
	"github.com/spf13/pflag"
)

// recordOf is the presence record a process with flag set fs publishes
// (its schema from flagz.Engine.Schema, as the watcher publishes it).
func recordOf(id string, fs *pflag.FlagSet) presence.Record {
	return presence.Record{ID: id, FlagSet: "svc", State: "SERVING", Flags: flagz.EngineFor(fs).Schema()}
}

func serviceFlags(maxRate int64) *pflag.FlagSet {
	fs := pflag.NewFlagSet("svc", pflag.ContinueOnError)
	flagz.DynInt64(fs, "rate", 10, "").WithValidator(flagz.ValidateDynInt64Range(1, maxRate))
	flagz.DynString(fs, "name", "x", "").WithValidator(flagz.ValidateDynStringMatchesRegex(regexp.MustCompile(`^[a-z]+$`)))
	flagz.DynString(fs, "token", "", "").WithSensitive().WithValidator(flagz.ValidateDynStringMatchesRegex(regexp.MustCompile(`^sk-`)))
	flagz.DynString(fs, "mode", "a", "").WithValidator(func(string) error { return errors.New("custom says no") })
	fs.Int("workers", 4, "")
	type limits struct{ Rate, Burst int64 }
	flagz.DynStruct(fs, "lim", limits{Rate: 1, Burst: 1}, "").
		WithFieldValidator("rate", flagz.ValidateDynInt64Range(1, maxRate)).
		WithValidator(func(l limits) error {
			if l.Burst < l.Rate {
				return errors.New("burst below rate")
			}
			return nil
		})
	return fs
}

// Pre-flight, from the processes' published schema, with the library's own
// Preflight: which values it refuses and why, for whom, and what it only
// warns about.
func TestPreflightFindings(t *testing.T) {
	f := newFleet([]presence.Record{recordOf("a", serviceFlags(100)), recordOf("b", serviceFlags(10))}, nil, 0)
	for _, c := range []struct {
		name, value string
		refusals    []string // reasons, each for the processes after "@"
		warnings    []string
	}{
		{name: "rate", value: "5"},
		{name: "rate", value: "50", refusals: []string{"not in range [1, 10]@b"}},
		{name: "rate", value: "500", refusals: []string{"not in range [1, 100]@a", "not in range [1, 10]@b"}},
		{name: "rate", value: "x", refusals: []string{"not a valid dyn_int64@a,b"}},
		{name: "name", value: "Bad", refusals: []string{"^[a-z]+$@a,b"}},
		{name: "workers", value: "8", refusals: []string{"static flag@a,b"}},
		{name: "nosuch", value: "1", refusals: []string{"no live process declares"}},
		{name: "mode", value: "b", warnings: []string{"custom validator@a,b"}},
		{name: "lim.burst", value: "5", warnings: []string{
			`"lim.burst" is a field of a struct whose validator pre-flight cannot run: it sees lim.burst, lim.rate together@a,b`}},
		{name: "lim.rate", value: "50", refusals: []string{"not in range [1, 10]@b"},
			warnings: []string{`"lim.rate" is a field of a struct whose validator pre-flight cannot run@a`}},
	} {
		got := preflight(f, c.name, c.value)
		check := func(kind string, fds []finding, want []string) {
			if len(fds) != len(want) {
				t.Errorf("%s=%s: %s %+v, want %v", c.name, c.value, kind, fds, want)
				return
			}
			for i, w := range want {
				reason, who, _ := strings.Cut(w, "@")
				if !strings.Contains(fds[i].Reason, reason) || strings.Join(fds[i].Processes, ",") != who {
					t.Errorf("%s=%s: %s %d = %+v, want %q for %q", c.name, c.value, kind, i, fds[i], reason, who)
				}
			}
		}
		check("refusals", got.Refusals, c.refusals)
		check("warnings", got.Warnings, c.warnings)
	}
}

// A sensitive flag's refusal says why without the value.
func TestPreflightRedactsSensitive(t *testing.T) {
	f := newFleet([]presence.Record{recordOf("a", serviceFlags(100))}, nil, 0)
	got := preflight(f, "token", "hunter2")
	if len(got.Refusals) != 1 || strings.Contains(got.Refusals[0].Reason, "hunter2") || !strings.Contains(got.Refusals[0].Reason, flagz.Redacted) {
		t.Errorf("refusal of a sensitive value: %+v, want it redacted", got.Refusals)
	}
	if !f.sensitive("token") || f.sensitive("rate") {
		t.Error("sensitive() does not follow the schema")
	}
}

// No live process: nothing can check the value, so pre-flight refuses; a
// process not declaring the flag is a warning when others declare it.
func TestPreflightFleetShape(t *testing.T) {
	if got := preflight(newFleet(nil, nil, 0), "rate", "5"); !got.refused() || !strings.Contains(got.Refusals[0].Reason, "no live process") {
		t.Errorf("empty fleet: %+v", got)
	}
	other := pflag.NewFlagSet("other", pflag.ContinueOnError)
	flagz.DynBool(other, "shout", false, "")
	f := newFleet([]presence.Record{recordOf("a", serviceFlags(100)), recordOf("c", other)}, nil, 0)
	got := preflight(f, "rate", "5")
	if got.refused() || len(got.Warnings) != 1 || !strings.Contains(got.Warnings[0].Reason, "do not declare") ||
		got.Declaring != 1 || got.Processes != 2 {
		t.Errorf("one process without the flag: %+v", got)
	}
}

// A process that does not follow etcd right now (DEGRADED) is a warning:
// it takes the value once it does.
func TestPreflightWarnsOfDegradedProcesses(t *testing.T) {
	degraded := recordOf("b", serviceFlags(100))
	degraded.State = "DEGRADED"
	got := preflight(newFleet([]presence.Record{recordOf("a", serviceFlags(100)), degraded}, nil, 0), "rate", "5")
	if got.refused() || len(got.Warnings) != 1 || !strings.Contains(got.Warnings[0].Reason, "state DEGRADED") ||
		strings.Join(got.Warnings[0].Processes, ",") != "b" {
		t.Errorf("a DEGRADED process: %+v", got)
	}
}

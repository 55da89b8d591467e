package cli

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/flagz-go/flagz/internal/checksumform"
	"github.com/flagz-go/flagz/watcher/presence"
	"github.com/spf13/pflag"
)

// statusOutput is status's JSON output.
type statusOutput struct {
	Revision    int64           `json:"revision"`     // etcd's revision when read
	LatestWrite int64           `json:"latest_write"` // the largest mod revision among the flag keys
	Converged   bool            `json:"converged"`    // none behind, stale or rejecting, one checksum per flag set
	Processes   []statusProcess `json:"processes"`
	Checksums   []checksumGroup `json:"checksums"`
	// Invalid lists the presence keys left out: they hold no record of
	// the process they name.
	Invalid []invalidEntry `json:"invalid,omitempty"`
	// Canaries are the canaries under the prefix (flagz canary status).
	Canaries []canaryStatus `json:"canaries,omitempty"`
}

// statusProcess is one live process as status shows it.
type statusProcess struct {
	ID       string `json:"id"`
	Host     string `json:"host"`
	PID      int    `json:"pid"`
	Version  string `json:"version"`
	FlagSet  string `json:"flag_set"`
	State    string `json:"state"`
	Revision int64  `json:"revision"`
	Checksum string `json:"checksum"`
	// ChecksumMetric is the checksum as the metric flagz_checksum carries
	// it (its top 53 bits); absent if the record's checksum is not 16 hex
	// digits.
	ChecksumMetric uint64    `json:"checksum_metric,omitempty"`
	Started        time.Time `json:"started"`
	Updated        time.Time `json:"updated"`
	// RefreshSeconds is how often, at least, the process writes its
	// record (absent in records of older builds).
	RefreshSeconds int64 `json:"refresh_seconds,omitempty"`
	Behind         bool  `json:"behind"` // has not reported latest_write yet
	// Stale: the record is older than its refresh period allows
	// (presence.Record.Stale): the process cannot publish it, and what it
	// says may be out of date.
	Stale      bool                 `json:"stale,omitempty"`
	Rejections []presence.Rejection `json:"rejections,omitempty"`
	// Problems are the process's source's failures beside serving values
	// (a snapshot file it cannot write, …).
	Problems []presence.Problem `json:"problems,omitempty"`
	// Canary: the canaries whose stage holds the process, and Health what
	// its own health check says (presence.Record).
	Canary map[string]int64 `json:"canary,omitempty"`
	Health *presence.Health `json:"health,omitempty"`
}

// checksumGroup is the processes of one flag set sharing one dynamic
// checksum: the same dynamic values.
type checksumGroup struct {
	FlagSet  string `json:"flag_set"`
	Checksum string `json:"checksum"`
	// Metric is the checksum as flagz_checksum carries it (its top 53
	// bits).
	Metric    uint64   `json:"metric,omitempty"`
	Processes []string `json:"processes"`
}

func statusCommand() *command {
	return &command{
		name:    "status",
		summary: "the live processes: revision, checksum, who agrees, who is behind or rejecting",
		details: `
One line per live process (from its presence record): state, the etcd
revision it has applied, its dynamic checksum, build version, when it last
reported. Then the checksums per flag set (processes that agree hold the
same dynamic values), each with the number the metric flagz_checksum
exports for it (its top 53 bits); the processes behind (they have not
reported the largest mod revision among the flag keys; a delete leaves no
key, so status cannot see one: set and del --wait can); the stale ones
(a process writes its record at least once per refresh period: one older
than twice that cannot publish it, though its lease lives, and what it
says may be out of date); the current rejections with the revision and
time of each; and the problems of the processes' sources (a snapshot file
one cannot write, ...).

A presence key that holds no record of the process it names (a record
under another process's key, or one that does not decode) is listed as
invalid, by key, and left out. The values and refusal reasons of a flag
any live process marks sensitive show as [redacted].

A process killed without stopping disappears when its presence lease
expires (a few seconds). Exit code 0 whatever the fleet's state, unless
etcd fails; JSON output has "converged".`,
		setup: func(fs *pflag.FlagSet) func(context.Context, *session, []string) error {
			return runStatus
		},
	}
}

func runStatus(ctx context.Context, s *session, args []string) error {
	if len(args) != 0 {
		return usagef("status takes no arguments, got %d", len(args))
	}
	keys, err := s.readKeys(ctx)
	if err != nil {
		return err
	}
	f, err := s.readFleet(ctx)
	if err != nil {
		return err
	}
	out := fleetStatus(f, keys, time.Now())
	if out.Canaries, err = s.canaries(ctx, f); err != nil {
		return err
	}
	if s.json() {
		return s.printJSON(out)
	}
	printStatus(s, out, f.invalid)
	return nil
}

// fleetStatus computes status from the presence records and the keys,
// read at now.
func fleetStatus(f fleet, keys flagKeys, now time.Time) statusOutput {
	out := statusOutput{Revision: max(f.revision, keys.revision), LatestWrite: keys.latest, Converged: true,
		Invalid: invalidEntries(f.invalid)}
	groups := map[[2]string]*checksumGroup{}
	for _, r := range f.records {
		metric, _ := checksumform.MetricOfText(r.Checksum)
		p := statusProcess{ID: r.ID, Host: r.Host, PID: r.PID, Version: r.Version, FlagSet: r.FlagSet,
			State: r.State, Revision: r.Revision, Checksum: r.Checksum, ChecksumMetric: metric,
			Started: r.Started, Updated: r.Updated, RefreshSeconds: r.RefreshSeconds,
			Behind: r.Revision < keys.latest, Stale: r.Stale(now), Rejections: r.Rejections, Problems: r.Problems,
			Canary: r.Canary, Health: r.Health}
		out.Processes = append(out.Processes, p)
		out.Converged = out.Converged && !p.Behind && !p.Stale && len(p.Rejections) == 0
		k := [2]string{r.FlagSet, r.Checksum}
		g, ok := groups[k]
		if !ok {
			g = &checksumGroup{FlagSet: r.FlagSet, Checksum: r.Checksum, Metric: metric}
			groups[k] = g
		}
		g.Processes = append(g.Processes, r.ID)
	}
	sets := map[string]int{}
	for _, g := range groups {
		out.Checksums = append(out.Checksums, *g)
		sets[g.FlagSet]++
	}
	for _, n := range sets {
		out.Converged = out.Converged && n == 1
	}
	sort.Slice(out.Checksums, func(i, j int) bool {
		a, b := out.Checksums[i], out.Checksums[j]
		if a.FlagSet != b.FlagSet {
			return a.FlagSet < b.FlagSet
		}
		if len(a.Processes) != len(b.Processes) {
			return len(a.Processes) > len(b.Processes)
		}
		return a.Checksum < b.Checksum
	})
	return out
}

func printStatus(s *session, out statusOutput, invalid []presence.Invalid) {
	latest := "no flag key in etcd"
	if out.LatestWrite > 0 {
		latest = fmt.Sprintf("newest flag key written at revision %d", out.LatestWrite)
	}
	s.printf("%s; etcd at revision %d; %s",
		count(len(out.Processes), "live process", "live processes"), out.Revision, latest)
	printInvalid(s, invalid)
	if len(out.Processes) == 0 {
		return
	}
	t := s.grid(statusColumns...)
	for _, p := range out.Processes {
		reported := time.Since(p.Updated).Round(100*time.Millisecond).String() + " ago"
		if p.Stale {
			reported += ", stale"
		}
		t.add(p.ID, p.State, strconv.FormatInt(p.Revision, 10), p.Checksum, orDash(p.Version), reported)
	}
	_ = t.flush()
	s.printf("")
	for _, g := range out.Checksums {
		agree := fmt.Sprintf("%d processes agree", len(g.Processes))
		if len(g.Processes) == 1 {
			agree = "1 process: " + g.Processes[0]
		}
		metric := ""
		if g.Metric != 0 {
			metric = fmt.Sprintf(" (metric %d)", g.Metric)
		}
		s.printf("checksum %s%s  flag set %s: %s", g.Checksum, metric, orDash(g.FlagSet), agree)
	}
	var behind, stale, rejecting int
	for _, p := range out.Processes {
		if p.Behind {
			behind++
			s.printf("behind: %s at revision %d < %d, last reported%s", p.ID, p.Revision, out.LatestWrite, since(p.Updated))
		}
		if p.Stale {
			stale++
			s.printf("stale: %s: presence not refreshed since %s%s (it refreshes every %s): the process cannot publish its record, "+
				"or is stuck; what it says may be out of date", p.ID, p.Updated.Local().Format(time.TimeOnly), since(p.Updated),
				time.Duration(p.RefreshSeconds)*time.Second)
		}
		for _, rj := range p.Rejections {
			rejecting++
			what := rj.Flag
			if rj.Value != "" {
				what += "=" + clip(rj.Value)
			}
			s.printf("rejecting: %s refuses %s (revision %d) since %s%s: %s",
				p.ID, what, rj.Revision, rj.At.Local().Format(time.TimeOnly), since(rj.At), rj.Reason)
		}
		for _, pr := range p.Problems {
			s.printf("problem: %s: %s since %s%s: %s", p.ID, pr.Name, pr.Since.Local().Format(time.TimeOnly), since(pr.Since), pr.Error)
		}
		if h := p.Health; h != nil && !h.OK {
			s.printf("unhealthy: %s says so since %s%s: %s", p.ID, h.Since.Local().Format(time.TimeOnly), since(h.Since), h.Reason)
		}
	}
	printCanaries(s, out.Canaries)
	switch {
	case out.Converged:
		s.printf("converged: every process has every flag key in etcd, no rejection, one checksum per flag set")
	case behind == 0 && stale == 0 && rejecting == 0:
		s.printf("not converged: processes of one flag set disagree on their checksum")
	}
}

// statusColumns are status's columns, in the order of its cells. Process
// ids are shown whole (they name the process); -o wide shows versions
// whole too.
var statusColumns = []column{
	{header: "PROCESS"},
	{header: "STATE", narrow: 10},
	{header: "REVISION", narrow: 12},
	{header: "CHECKSUM", narrow: 16},
	{header: "VERSION", narrow: 20},
	{header: "REPORTED", narrow: 24},
}

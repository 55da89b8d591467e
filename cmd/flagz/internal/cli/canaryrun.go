package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/watcher/canary"
	"github.com/flagz-go/flagz/watcher/presence"
	"github.com/spf13/pflag"
)

// canaryFlags are set's --canary and --bake.
type canaryFlags struct {
	stages string
	bake   time.Duration
	salt   string
}

func (cf *canaryFlags) bind(fs *pflag.FlagSet) {
	fs.StringVar(&cf.stages, "canary", "",
		"write in stages, such as 5%,25%,100%: each stage's processes take the value first, and the next begins only "+
			"if none of them refused it, went DEGRADED, reported itself unhealthy or went away (see flagz help set)")
	fs.DurationVar(&cf.bake, "bake", 0, "with --canary: how long each stage runs, once its processes applied the value, before the next")
	fs.StringVar(&cf.salt, "canary-salt", "",
		"with --canary: the salt that orders the processes (default: a random one); a canary of the same salt takes them in the same order")
}

// stageOutput is one stage of a canary, as set --canary reports it.
type stageOutput struct {
	Stage    int       `json:"stage"` // 1 for the first
	Share    string    `json:"share"` // "5%"
	Live     int       `json:"live"`  // live processes declaring the flag when it began
	Members  int       `json:"members"`
	Revision int64     `json:"revision"` // of its write
	Started  time.Time `json:"started"`
	gateResult
}

// canaryOutput is set --canary's JSON output.
type canaryOutput struct {
	Name      string          `json:"name"`
	Key       string          `json:"key"`
	Value     string          `json:"value"` // flagz.Redacted for a sensitive flag
	Stages    string          `json:"stages"`
	Bake      string          `json:"bake"`
	Preflight preflightResult `json:"preflight"`
	Forced    bool            `json:"forced,omitempty"`
	Salt      string          `json:"salt,omitempty"`
	Run       []stageOutput   `json:"stages_run"`
	// Promoted: the value was written to the flag's key (Revision) and
	// the canary's record deleted; Wait is the wait for every process.
	Promoted    bool        `json:"promoted"`
	Revision    int64       `json:"revision,omitempty"`
	Wait        *waitResult `json:"wait,omitempty"`
	Now         *keyView    `json:"now,omitempty"`
	Unconfirmed string      `json:"unconfirmed,omitempty"`
	// Halted says why a stage failed; the command then aborted the
	// canary at revision Aborted.
	Halted  string `json:"halted,omitempty"`
	Aborted int64  `json:"aborted_revision,omitempty"`
	// Ended says who ended or changed the canary under the command.
	Ended       string `json:"ended,omitempty"`
	Interrupted bool   `json:"interrupted,omitempty"`
	Error       string `json:"error,omitempty"`
}

// errCanaryFailed: the canary did not reach 100%.
var errCanaryFailed = errors.New("the canary did not reach 100%")

// runCanarySet is set --canary: pre-flight, then each stage but the last
// (write the canary record, gate), then promotion (the flag's key) and the
// wait for every process, as set does.
func runCanarySet(ctx context.Context, s *session, args []string, wf *writeFlags, cf *canaryFlags) error {
	if len(args) != 2 {
		return usagef("want NAME VALUE, got %d arguments (quote a value holding spaces; a value beginning with - goes after --)", len(args))
	}
	if err := wf.check(); err != nil {
		return err
	}
	stages, err := canary.ParseStages(cf.stages)
	switch {
	case err != nil:
		return usagef("--canary: %v", err)
	case cf.bake < 0:
		return usagef("--bake must be 0 or more, got %v", cf.bake)
	case wf.noWait:
		return usagef("--canary waits for each stage: --no-wait contradicts it")
	}
	name, value := args[0], args[1]
	if err := checkName(name); err != nil {
		return err
	}
	f, err := s.readFleet(ctx)
	if err != nil {
		return fmt.Errorf("%w; nothing written", err)
	}
	s.warnInvalid(f.invalid)
	sensitive := f.sensitive(name)
	out := &canaryOutput{Name: name, Key: s.g.flagKey(name), Value: value, Stages: canary.FormatStages(stages),
		Bake: cf.bake.String(), Preflight: preflight(f, name, value)}
	if sensitive {
		out.Value = flagz.Redacted
	}
	fail := func(err error) error {
		out.Error = err.Error()
		if s.json() {
			return errors.Join(s.printJSON(out), errReported)
		}
		return err
	}
	if out.Preflight.refused() && !wf.force {
		if s.json() {
			return errors.Join(s.printJSON(out), errReported)
		}
		printFindings(s, "refused", out.Preflight.Refusals, len(f.records))
		printFindings(s, "warning", out.Preflight.Warnings, len(f.records))
		s.errorf("nothing written to %s", out.Key)
		return errReported
	}
	out.Forced = out.Preflight.refused()
	if !s.json() {
		printFindings(s, "warning (--force)", out.Preflight.Refusals, len(f.records))
		printFindings(s, "warning", out.Preflight.Warnings, len(f.records))
	}
	if len(declaring(f.records, name)) == 0 {
		return fail(fmt.Errorf("no live process declares %s: a canary needs processes to take the value; nothing written", name))
	}
	warnUnhealthy(s, f.records)
	cur, err := s.readKey(ctx, name)
	if err != nil {
		return fail(fmt.Errorf("%w; nothing written", err))
	}
	if wf.ifRevision.n != noRevision && cur.ModRevision != wf.ifRevision.n {
		cur.redact(sensitive)
		return fail(fmt.Errorf("refused: %s; nothing written", describeConflict(cur, wf.ifRevision.n)))
	}
	salt := cf.salt
	if salt == "" {
		if salt, err = newSalt(); err != nil {
			return fail(err)
		}
	}
	out.Salt = salt
	now := time.Now().UTC().Truncate(time.Millisecond)
	author := s.record(wf.by, name, "", "")
	rec := canary.Record{Flag: name, Value: value, Sensitive: sensitive, Salt: salt, Stages: stages, Bake: cf.bake,
		FlagRevision: cur.ModRevision, By: author.By, User: author.User, Reason: wf.by.reason, Started: now}
	s.progressf("canary of %s = %s: stages %s, bake %v", name, out.Value, out.Stages, cf.bake)

	var canaryRev, startRev int64
	for i := range len(stages) - 1 {
		if i > 0 {
			if f, err = s.readFleet(ctx); err != nil {
				return fail(fmt.Errorf("%w; the canary stays at stage %d in etcd (flagz canary status, abort, promote)", err, i))
			}
		}
		live := declaring(f.records, name)
		rec.Stage, rec.Live, rec.StageStarted = i, len(live), time.Now().UTC().Truncate(time.Millisecond)
		rec.Threshold, rec.Members = canary.Threshold(salt, live, stages[i], rec.Threshold, i > 0)
		rev, err := s.writeStage(ctx, rec, canaryRev, i == 0, wf.force, wf.by, wf.wait)
		if err != nil {
			if errors.Is(err, errCanaryEnded) {
				out.Ended = err.Error()
			}
			return fail(err)
		}
		canaryRev = rev
		if i == 0 {
			startRev = rev
		}
		so := stageOutput{Stage: i + 1, Share: canary.FormatShare(stages[i]), Live: rec.Live, Members: rec.Members, Revision: rev, Started: rec.StageStarted}
		st := stageOf{name: name, rec: rec, stageRev: rev, startRev: startRev, sensitive: sensitive}
		s.progressf("stage %d of %d (%s): %d of %d processes, revision %d: %s", i+1, len(stages), so.Share, rec.Members, rec.Live,
			rev, shortList(ids(st.members(f.records)), 5))
		so.gateResult = s.gate(ctx, st, rev, cf.bake, wf.wait, st.members(f.records))
		out.Run = append(out.Run, so)
		if done, err := s.stageEnded(ctx, out, so, st, canaryRev, wf); done {
			return err
		}
	}
	return s.promoteRun(ctx, out, rec, canaryRev, wf)
}

// stageEnded reports the end of a stage that did not pass (done true,
// with the command's error): someone else ended the canary, the command
// was interrupted (the canary stays), or a member failed it (the command
// aborts it).
func (s *session) stageEnded(ctx context.Context, out *canaryOutput, so stageOutput, st stageOf, canaryRev int64, wf *writeFlags) (bool, error) {
	res := so.gateResult
	finish := func() (bool, error) {
		if s.json() {
			return true, errors.Join(s.printJSON(out), errReported)
		}
		return true, errCanaryFailed
	}
	stage := fmt.Sprintf("stage %d of %d (%s)", so.Stage, len(st.rec.Stages), so.Share)
	switch {
	case res.Ended != "":
		out.Ended = res.Ended
		s.progressf("ended under this command at %s: %s", stage, res.Ended)
		return finish()
	case res.Interrupted && !res.Failed:
		out.Interrupted = true
		printMembers(s, res.Processes)
		s.progressf("interrupted at %s: the canary stays in etcd; flagz canary status shows it, flagz canary promote %s "+
			"or abort %s ends it", stage, st.name, st.name)
		return finish()
	case !res.Failed:
		return false, nil
	}
	var why []string
	for _, m := range res.Processes {
		if memberFailed(m.Outcome) {
			why = append(why, m.ID+" "+m.Outcome+reasonSuffix(m.Reason))
		}
	}
	if res.err != nil {
		why = append(why, res.err.Error())
	}
	out.Halted = fmt.Sprintf("halted at %s: %s", stage, strings.Join(why, "; "))
	s.progressf("%s", out.Halted)
	printMembers(s, res.Processes)
	rev, ok, err := s.abortCanary(context.WithoutCancel(ctx), st.name, canaryRev, wf.by, out.Halted, wf.wait)
	switch {
	case err != nil:
		out.Error = fmt.Sprintf("abort: %v; the canary stays in etcd (flagz canary abort %s)", err, st.name)
		s.progressf("%s", out.Error)
	case !ok:
		v, exists, _ := s.readCanary(ctx, st.name)
		out.Ended = s.endedBy(ctx, st.name, exists, v)
		s.progressf("not aborted: %s", out.Ended)
	default:
		out.Aborted = rev
		s.progressf("canary aborted (revision %d): every process returns to the flag's value", rev)
		s.awaitReturn(ctx, st.name, rev, st.sensitive, wf.wait)
	}
	return finish()
}

// awaitReturn waits, up to timeout, until every live process reports the
// revision of a canary's end, and says whether they did.
func (s *session) awaitReturn(ctx context.Context, name string, rev int64, sensitive bool, timeout time.Duration) {
	w, err := s.waitFor(ctx, name, rev, sensitive, timeout)
	switch {
	case err != nil:
		s.progressf("  whether the processes returned is not known: %v", err)
	case w.TimedOut:
		var late []string
		for _, p := range w.Processes {
			if p.Outcome == outcomeNotAnswering {
				late = append(late, p.ID)
			}
		}
		s.progressf("  %s had not reported revision %d after %v: %s", count(len(late), "process", "processes"), rev, timeout, shortList(late, 5))
	default:
		s.progressf("  revision %d: every process reported it", rev)
	}
}

// promoteRun is the last stage: the value to the flag's key, the record
// deleted, then the wait for every process, as set does.
func (s *session) promoteRun(ctx context.Context, out *canaryOutput, rec canary.Record, canaryRev int64, wf *writeFlags) error {
	res, err := s.promoteCanary(ctx, rec, canaryRev, false, wf.by, wf.wait)
	if err != nil {
		out.Error = err.Error()
		if errors.Is(err, errCanaryEnded) {
			out.Ended = err.Error()
		}
		if s.json() {
			return errors.Join(s.printJSON(out), errReported)
		}
		return err
	}
	out.Promoted, out.Revision = true, res.Revision
	s.progressf("stage %d of %d (100%%): promoted: %s = %s (key %s, revision %d)", len(rec.Stages), len(rec.Stages),
		rec.Flag, out.Value, out.Key, res.Revision)
	f, err := s.readFleet(ctx)
	if err != nil {
		f = fleet{}
	}
	wr := s.pending(f, wf, rec.Flag, res.Revision)
	wr.sensitive = wr.sensitive || rec.Sensitive
	o := s.awaitWrite(ctx, wr)
	if o.now != nil {
		o.now.redact(wr.sensitive)
	}
	out.Wait, out.Now, out.Unconfirmed = o.wait, o.now, o.unconfirmed
	if s.json() {
		if err := s.printJSON(out); err != nil {
			return err
		}
	} else {
		s.printAwaited(wr, o)
	}
	return o.exitError(s.json())
}

// declaring returns the ids of the records that declare the flag name.
func declaring(records []presence.Record, name string) []string {
	var out []string
	for _, r := range records {
		if _, ok := r.Flag(name); ok {
			out = append(out, r.ID)
		}
	}
	return out
}

// warnUnhealthy warns of the processes whose own health check fails
// already: a stage that holds one halts.
func warnUnhealthy(s *session, records []presence.Record) {
	var bad []string
	for _, r := range records {
		if r.Health != nil && !r.Health.OK {
			bad = append(bad, r.ID)
		}
	}
	if len(bad) > 0 {
		s.warnf("%s unhealthy already (its own health check): a stage that holds one halts: %s",
			count(len(bad), "process reports itself", "processes report themselves"), shortList(bad, 3))
	}
}

// printMembers lists a stage's members and what each did.
func printMembers(s *session, members []memberOutcome) {
	for _, m := range members {
		s.progressf("  %-40s %s%s", m.ID, m.Outcome, reasonSuffix(m.Reason))
	}
}

func reasonSuffix(reason string) string {
	if reason == "" {
		return ""
	}
	return ": " + reason
}

// newSalt returns a random salt for a canary: 16 hex digits.
func newSalt() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("canary salt: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

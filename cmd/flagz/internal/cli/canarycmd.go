package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/watcher/canary"
	"github.com/spf13/pflag"
)

// canaryStatus is one canary as canary status, ls and status show it.
type canaryStatus struct {
	Name         string    `json:"name"`
	Key          string    `json:"key"` // the canary record's
	Value        string    `json:"value,omitempty"`
	Sensitive    bool      `json:"sensitive,omitempty"`
	Stage        int       `json:"stage"` // 1 for the first
	Stages       string    `json:"stages"`
	Share        string    `json:"share"`
	Live         int       `json:"live"`    // live processes declaring the flag when the stage began
	Members      int       `json:"members"` // of them, in the stage
	Bake         string    `json:"bake"`
	Started      time.Time `json:"started"`
	StageStarted time.Time `json:"stage_started"`
	By           string    `json:"by"`
	User         string    `json:"etcd_user,omitempty"`
	Reason       string    `json:"reason,omitempty"`
	Revision     int64     `json:"revision"`       // of the stage's write
	StartedAt    int64     `json:"start_revision"` // of the first stage's
	// Processes are the live members of the stage now, and what each did.
	Processes []memberOutcome `json:"processes,omitempty"`
	// Error says why the key holds no valid canary record.
	Error string `json:"error,omitempty"`
}

// newCanaryStatus describes the canary v, its members found among the
// fleet f.
func newCanaryStatus(s *session, v canaryView, f fleet) canaryStatus {
	name, _ := canary.NameOf(s.g.prefix, v.Key)
	cs := canaryStatus{Name: name, Key: v.Key, Revision: v.ModRevision, StartedAt: v.CreateRevision}
	if v.Err != nil {
		cs.Error = v.Err.Error()
		return cs
	}
	r := v.Record
	cs.Value, cs.Sensitive = r.Value, r.Sensitive || f.sensitive(name)
	if cs.Sensitive {
		cs.Value = flagz.Redacted
	}
	cs.Stage, cs.Stages, cs.Share = r.Stage+1, canary.FormatStages(r.Stages), canary.FormatShare(r.Share())
	cs.Live, cs.Members, cs.Bake = r.Live, r.Members, r.Bake.String()
	cs.Started, cs.StageStarted, cs.By, cs.User, cs.Reason = r.Started, r.StageStarted, r.By, r.User, r.Reason
	st := stageOf{name: name, rec: r, stageRev: v.ModRevision, startRev: v.CreateRevision, sensitive: cs.Sensitive}
	for _, m := range st.members(f.records) {
		cs.Processes = append(cs.Processes, st.judge(m))
	}
	return cs
}

// line says, for people, where the canary is.
func (cs canaryStatus) line() string {
	if cs.Error != "" {
		return fmt.Sprintf("canary of %s: invalid record %s: %s", cs.Name, cs.Key, cs.Error)
	}
	reason := ""
	if cs.Reason != "" {
		reason = " (" + cs.Reason + ")"
	}
	return fmt.Sprintf("canary of %s = %s: stage %d of %s (%s: %d of %d processes) since %s, begun %s by %s%s",
		cs.Name, clip(cs.Value), cs.Stage, cs.Stages, cs.Share, cs.Members, cs.Live,
		cs.StageStarted.Local().Format(time.TimeOnly), cs.Started.Local().Format(time.DateTime), cs.By, reason)
}

// canaries reads every canary under the prefix, described with the
// members found among f.
func (s *session) canaries(ctx context.Context, f fleet) ([]canaryStatus, error) {
	views, err := s.readCanaries(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]canaryStatus, 0, len(views))
	for _, v := range views {
		out = append(out, newCanaryStatus(s, v, f))
	}
	return out, nil
}

// printCanaries writes a line per canary, in text output: what ls and
// status add to their own.
func printCanaries(s *session, list []canaryStatus) {
	for _, cs := range list {
		s.printf("%s", cs.line())
	}
}

func canaryCommand() *command {
	return &command{
		name:     "canary",
		operands: "status | abort NAME | promote NAME",
		summary:  "the canaries under the prefix (set --canary): show them, abort one, promote one",
		details: `
A canary (flagz set NAME VALUE --canary=5%,25%,100%) lives in etcd, in a
record beside the flag (<prefix>/@flagz/canary/NAME), not in the command:
the processes of its current stage apply its value over the flag's, the
others keep the flag's. Who is in a stage: see docs/canary.md; every
process decides for itself from its presence id and the record.

  status         every canary under the prefix: value, stage, members and
                 what each did (applied, pending, refused, degraded,
                 unhealthy, not taken), since when, by whom
  abort NAME     remove the canary: every process returns to the flag's
                 value; then wait until they all report it
  promote NAME   write the canary's value to the flag's key and remove the
                 canary, in one transaction (pre-flight first, as set), then
                 wait as set does

abort and promote are guarded: if the canary changes meanwhile (its
command widened it, or another operator ended it), they write nothing.
promote also refuses if the flag's key changed since the canary began
(--force promotes anyway). Both record who and why beside the flag
(--author, --reason; flagz history shows them).`,
		setup: func(fs *pflag.FlagSet) func(context.Context, *session, []string) error {
			wf := &writeFlags{}
			wf.bindWait(fs, "promote: even if pre-flight refuses the value, or the flag's key changed since the canary began")
			return func(ctx context.Context, s *session, args []string) error {
				return runCanary(ctx, s, args, wf)
			}
		},
	}
}

func runCanary(ctx context.Context, s *session, args []string, wf *writeFlags) error {
	if len(args) == 0 {
		return usagef("want status, abort NAME or promote NAME")
	}
	sub, rest := args[0], args[1:]
	want := 1
	if sub == "status" {
		want = 0
	}
	switch {
	case sub != "status" && sub != "abort" && sub != "promote":
		return usagef("unknown canary command %q: want status, abort NAME or promote NAME", sub)
	case len(rest) != want:
		return usagef("canary %s wants %d operand(s), got %d", sub, want, len(rest))
	}
	if err := wf.check(); err != nil {
		return err
	}
	switch sub {
	case "abort":
		return runCanaryAbort(ctx, s, rest[0], wf)
	case "promote":
		return runCanaryPromote(ctx, s, rest[0], wf)
	}
	f, err := s.readFleet(ctx)
	if err != nil {
		return err
	}
	s.warnInvalid(f.invalid)
	list, err := s.canaries(ctx, f)
	if err != nil {
		return err
	}
	if s.json() {
		return s.printJSON(struct {
			Canaries []canaryStatus `json:"canaries"`
		}{list})
	}
	if len(list) == 0 {
		s.printf("no canary under %s", s.g.flagPrefix())
		return nil
	}
	for _, cs := range list {
		s.printf("%s", cs.line())
		if cs.Bake != "0s" && cs.Bake != "" {
			s.printf("  bake %s per stage; record %s (revision %d)", cs.Bake, cs.Key, cs.Revision)
		}
		if cs.Error == "" && len(cs.Processes) == 0 {
			s.printf("  no live member")
		}
		printMembers(s, cs.Processes)
	}
	return nil
}

// canaryEndOutput is canary abort's JSON output.
type canaryEndOutput struct {
	Name     string      `json:"name"`
	Key      string      `json:"key"`
	Aborted  bool        `json:"aborted"`
	Revision int64       `json:"revision,omitempty"`
	Wait     *waitResult `json:"wait,omitempty"`
	Error    string      `json:"error,omitempty"`
}

func runCanaryAbort(ctx context.Context, s *session, name string, wf *writeFlags) error {
	if err := checkName(name); err != nil {
		return err
	}
	out := canaryEndOutput{Name: name, Key: canary.Key(s.g.prefix, name)}
	fail := func(err error) error {
		out.Error = err.Error()
		if s.json() {
			return errors.Join(s.printJSON(out), errReported)
		}
		return err
	}
	v, ok, err := s.readCanary(ctx, name)
	switch {
	case err != nil:
		return fail(fmt.Errorf("%w; nothing written", err))
	case !ok:
		return fail(fmt.Errorf("%s has no canary (no key %s): nothing to abort", name, out.Key))
	}
	detail := "aborted by hand"
	if v.Err == nil {
		detail += " at " + stageDetail(v.Record)
	}
	rev, ok, err := s.abortCanary(ctx, name, v.ModRevision, wf.by, detail, s.g.commandTimeout)
	switch {
	case err != nil:
		return fail(err)
	case !ok:
		return fail(fmt.Errorf("not aborted: the canary of %s changed meanwhile (%s); look again: flagz canary status", name,
			s.endedBy(ctx, name, true, canaryView{})))
	}
	out.Aborted, out.Revision = true, rev
	s.progressf("aborted the canary of %s (revision %d): every process returns to the flag's value", name, rev)
	if wf.noWait {
		if s.json() {
			return s.printJSON(out)
		}
		return nil
	}
	w, err := s.waitFor(ctx, name, rev, v.Err != nil || v.Record.Sensitive || s.sensitive(ctx, name), wf.wait)
	if err != nil {
		return fail(err)
	}
	out.Wait = &w
	if s.json() {
		if err := s.printJSON(out); err != nil {
			return err
		}
	} else {
		printWait(s, w, wf.wait)
	}
	return awaited{wait: &w}.exitError(s.json())
}

func runCanaryPromote(ctx context.Context, s *session, name string, wf *writeFlags) error {
	if err := checkName(name); err != nil {
		return err
	}
	out := setOutput{Name: name, Key: s.g.flagKey(name)}
	fail := func(err error) error {
		out.Error = err.Error()
		if s.json() {
			return errors.Join(s.printJSON(out), errReported)
		}
		return err
	}
	v, ok, err := s.readCanary(ctx, name)
	switch {
	case err != nil:
		return fail(fmt.Errorf("%w; nothing written", err))
	case !ok:
		return fail(fmt.Errorf("%s has no canary (no key %s): nothing to promote", name, canary.Key(s.g.prefix, name)))
	case v.Err != nil:
		return fail(fmt.Errorf("the canary of %s is no valid record (%w): nothing to promote; flagz canary abort %s removes it", name, v.Err, name))
	}
	f, err := s.readFleet(ctx)
	if err != nil {
		return fail(fmt.Errorf("%w; nothing written", err))
	}
	s.warnInvalid(f.invalid)
	rec := v.Record
	out.Value, out.Preflight = rec.Value, preflight(f, name, rec.Value)
	sensitive := rec.Sensitive || f.sensitive(name)
	if sensitive {
		out.Value = flagz.Redacted
	}
	if out.Preflight.refused() && !wf.force {
		if s.json() {
			return errors.Join(s.printJSON(out), errReported)
		}
		printFindings(s, "refused", out.Preflight.Refusals, len(f.records))
		s.errorf("nothing written to %s", out.Key)
		return errReported
	}
	out.Forced = out.Preflight.refused()
	if !s.json() {
		printFindings(s, "warning (--force)", out.Preflight.Refusals, len(f.records))
		printFindings(s, "warning", out.Preflight.Warnings, len(f.records))
	}
	res, err := s.promoteCanary(ctx, rec, v.ModRevision, wf.force, wf.by, s.g.commandTimeout)
	if err != nil {
		return fail(err)
	}
	out.Written, out.Revision = true, res.Revision
	s.progressf("promoted the canary of %s: %s = %s (key %s, revision %d)", name, name, out.Value, out.Key, res.Revision)
	wr := s.pending(f, wf, name, res.Revision)
	wr.sensitive = sensitive
	o := s.awaitWrite(ctx, wr)
	if o.now != nil {
		o.now.redact(sensitive)
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

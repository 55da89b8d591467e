package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/spf13/pflag"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// writeFlags are the flags set and del share.
type writeFlags struct {
	ifRevision revisionFlag
	wait       time.Duration
}

// revisionFlag is --if-revision: noRevision unless given.
type revisionFlag struct{ n int64 }

func (r *revisionFlag) String() string {
	if r.n == noRevision {
		return ""
	}
	return strconv.FormatInt(r.n, 10)
}

func (r *revisionFlag) Set(s string) error {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return fmt.Errorf("want a revision, 0 or more, got %q", s)
	}
	r.n = n
	return nil
}

func (r *revisionFlag) Type() string { return "N" }

func (wf *writeFlags) bind(fs *pflag.FlagSet) {
	wf.ifRevision.n = noRevision
	fs.Var(&wf.ifRevision, "if-revision",
		"write only if the key's mod revision is still N (flagz get shows it); 0: only if the key does not exist")
	fs.DurationVar(&wf.wait, "wait", 0,
		"then wait until every live process reports the write applied or rejected; --wait alone waits up to "+defaultWait.String()+
			", --wait=DURATION as long as given")
	fs.Lookup("wait").NoOptDefVal = defaultWait.String()
}

func (wf *writeFlags) check() error {
	if wf.wait < 0 {
		return usagef("--wait must be positive, got %v", wf.wait)
	}
	return nil
}

// setOutput is set's JSON output.
type setOutput struct {
	Name      string          `json:"name"`
	Key       string          `json:"key"`
	Value     string          `json:"value"` // flagz.Redacted for a sensitive flag
	Written   bool            `json:"written"`
	Revision  int64           `json:"revision,omitempty"`
	Preflight preflightResult `json:"preflight"`
	Forced    bool            `json:"forced,omitempty"`   // written despite pre-flight's refusals
	Conflict  *keyView        `json:"conflict,omitempty"` // the key as it is, when --if-revision lost
	Wait      *waitResult     `json:"wait,omitempty"`
	Now       *keyView        `json:"now,omitempty"` // the key after --wait, if it changed since the write
	Error     string          `json:"error,omitempty"`
}

func setCommand() *command {
	return &command{
		name:     "set",
		operands: "NAME VALUE",
		summary:  "check VALUE against every live process (pre-flight), then write it",
		details: `
Pre-flight reads every live process's presence record and checks VALUE with
the same parser the processes use and the constraints they publish (ranges,
regexes, minimum elements, rollout bounds). It refuses, writing nothing,
when any process would refuse the value, when no live process declares
NAME, and when NAME is a static flag (processes take it only at their next
start). --force writes anyway, printing the refusals as warnings (a fleet of
two versions may disagree on what is valid).

A custom validator or a type pre-flight cannot build is a warning, not a
refusal: --wait tells whether the processes took the value.

--if-revision=N writes only if the key's mod revision is still N (get
shows it; 0: the key must not exist), in one etcd transaction: of two
operators racing with the same N one wins, the other is told the key's
current value and revision, and nothing of theirs is written.

--wait[=DURATION] then follows the presence records until every live
process reports the write's revision: it prints per process applied,
rejected (with the process's reason) or not answering, and exits with 1 if
any rejected, the wait timed out, or the value did not stay in etcd (a
process that refuses it rolled it back: with rollback on, its presence
record may no longer list the rejection, so the key tells).

A process is who its presence keys say: a record whose content names
another process (a forgery, or a bug) is left out of pre-flight and --wait,
with a warning. The value of a flag any live process marks sensitive, and the
reasons of processes that do not mark it so, show as [redacted].

A value beginning with "-" goes after "--": flagz set rate -- -5.`,
		setup: func(fs *pflag.FlagSet) func(context.Context, *session, []string) error {
			wf := &writeFlags{}
			force := fs.Bool("force", false,
				"write even if pre-flight refuses (unknown name, static flag, a value some process refuses)")
			wf.bind(fs)
			return func(ctx context.Context, s *session, args []string) error {
				return runSet(ctx, s, args, wf, *force)
			}
		},
	}
}

func runSet(ctx context.Context, s *session, args []string, wf *writeFlags, force bool) error {
	if len(args) == 3 && wf.wait > 0 {
		if _, err := time.ParseDuration(args[2]); err == nil {
			return usagef("--wait takes its duration after an = sign: --wait=%s", args[2])
		}
	}
	if len(args) != 2 {
		return usagef("want NAME VALUE, got %d arguments (quote a value holding spaces; a value beginning with - goes after --)", len(args))
	}
	if err := wf.check(); err != nil {
		return err
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
	out := setOutput{Name: name, Key: s.g.flagKey(name), Value: value, Preflight: preflight(f, name, value)}
	if f.sensitive(name) {
		out.Value = flagz.Redacted
	}
	if out.Preflight.refused() && !force {
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

	res, cur, err := s.write(ctx, name, clientv3.OpPut(out.Key, value), wf.ifRevision.n)
	if errors.Is(err, errLostRace) {
		cur.redact(f.sensitive(name))
		out.Conflict = &cur
		if s.json() {
			return errors.Join(s.printJSON(out), errReported)
		}
		s.errorf("refused: %s; nothing written", describeConflict(cur, wf.ifRevision.n))
		return errReported
	}
	if err != nil {
		out.Error = err.Error()
		if s.json() {
			_ = s.printJSON(out)
		}
		return err
	}
	out.Written, out.Revision = true, res.Revision
	if !s.json() {
		s.printf("%s = %s  (key %s, revision %d)", name, out.Value, out.Key, res.Revision)
	}
	wr := pendingWrite{name: name, revision: res.Revision, sensitive: f.sensitive(name), wait: wf.wait}
	for _, fd := range out.Preflight.Refusals {
		wr.refusers = append(wr.refusers, fd.Processes...)
	}
	o := s.awaitWrite(ctx, wr)
	if o.now != nil {
		o.now.redact(wr.sensitive)
	}
	out.Wait, out.Now = o.wait, o.now
	if s.json() {
		if err := s.printJSON(out); err != nil {
			return err
		}
	} else {
		s.printAwaited(wr, o)
	}
	return o.exitError(s.json())
}

// describeConflict says how the key differs from what --if-revision
// expected.
func describeConflict(cur keyView, ifRevision int64) string {
	value := cur.Value
	switch {
	case !cur.Exists:
		return fmt.Sprintf("%s has no key now, not mod revision %d as --if-revision expected (someone deleted it)", cur.Name, ifRevision)
	case ifRevision == 0:
		return fmt.Sprintf("%s exists already (--if-revision=0 wants no key): it holds %s since revision %d", cur.Name, value, cur.ModRevision)
	default:
		return fmt.Sprintf("%s changed since revision %d (--if-revision): it holds %s since revision %d; "+
			"read it again (flagz get %s) and decide", cur.Name, ifRevision, value, cur.ModRevision, cur.Name)
	}
}

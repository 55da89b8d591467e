package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/watcher/change"
	"github.com/spf13/pflag"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// writeFlags are the flags set and del share.
type writeFlags struct {
	ifRevision revisionFlag
	wait       time.Duration
	noWait     bool
	force      bool
	by         authorship     // --author, --reason
	detail     string         // what the write's change record says more (undo)
	fs         *pflag.FlagSet // to tell whether --wait was given
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

// bind declares the write flags; force is what --force says for this
// command.
func (wf *writeFlags) bind(fs *pflag.FlagSet, force string) {
	wf.ifRevision.n = noRevision
	fs.Var(&wf.ifRevision, "if-revision",
		"write only if the key's mod revision is still N (flagz get shows it); 0: only if the key does not exist")
	wf.bindWait(fs, force)
}

// bindWait declares the write flags but --if-revision.
func (wf *writeFlags) bindWait(fs *pflag.FlagSet, force string) {
	wf.fs = fs
	wf.ifRevision.n = noRevision
	fs.BoolVar(&wf.force, "force", false, force)
	fs.DurationVar(&wf.wait, "wait", defaultWait,
		"how long to wait for every live process to report the write applied or refused (waiting is the default; "+
			"--wait alone, kept for old scripts, waits "+defaultWait.String()+")")
	fs.Lookup("wait").NoOptDefVal = defaultWait.String()
	fs.BoolVar(&wf.noWait, "no-wait", false,
		"write and return at once: whether the processes take it is not known (flagz status tells later)")
	wf.by.bind(fs)
}

// meta is what the write of action records beside it; --force ends a
// canary of the flag.
func (wf *writeFlags) meta(action string) writeMeta {
	return writeMeta{action: action, detail: wf.detail, by: wf.by, force: wf.force}
}

func (wf *writeFlags) check() error {
	switch {
	case wf.wait <= 0:
		return usagef("--wait must be positive, got %v", wf.wait)
	case wf.noWait && wf.waitGiven():
		return usagef("--wait and --no-wait contradict each other")
	}
	return nil
}

// waitGiven reports whether --wait was on the command line.
func (wf *writeFlags) waitGiven() bool { return wf.fs != nil && wf.fs.Changed("wait") }

// setOutput is set's JSON output.
type setOutput struct {
	Name      string          `json:"name"`
	Key       string          `json:"key"`
	Value     string          `json:"value"` // flagz.Redacted for a sensitive flag
	Written   bool            `json:"written"`
	Revision  int64           `json:"revision,omitempty"`
	Preflight preflightResult `json:"preflight"`
	Forced    bool            `json:"forced,omitempty"` // written despite pre-flight's refusals
	// EndedCanary: the flag was under a canary, which the write (--force)
	// ended.
	EndedCanary bool        `json:"ended_canary,omitempty"`
	Conflict    *keyView    `json:"conflict,omitempty"` // the key as it is, when --if-revision lost
	Wait        *waitResult `json:"wait,omitempty"`
	// Unconfirmed says why no process confirmed the write: --no-wait, or
	// no live process (written with --force).
	Unconfirmed string   `json:"unconfirmed,omitempty"`
	Now         *keyView `json:"now,omitempty"` // the key after the wait, if it changed since the write
	Error       string   `json:"error,omitempty"`
}

func setCommand() *command {
	return &command{
		name:     "set",
		operands: "NAME VALUE",
		summary:  "check VALUE against every live process (pre-flight), write it, wait for their answer",
		details: `
Pre-flight reads every live process's presence record and checks VALUE with
the same parser the processes use and the constraints they publish (ranges,
regexes, minimum elements, rollout bounds). It refuses, writing nothing,
when any process would refuse the value, when no live process declares
NAME, when NAME is a static flag (processes take it only at their next
start), and when no live process publishes its presence at all (nothing
can check the value, nor confirm it). --force writes anyway, printing the
refusals as warnings (a fleet of two versions may disagree on what is
valid).

Then set waits for the fleet's answer: it follows the presence records
until every live process reports the write's revision, up to 1m
(--wait=DURATION changes that; --wait alone, kept for old scripts, is the
default), and prints per process applied, rejected (with the process's
reason), ignored (it does not declare NAME), not answering or gone, then
the counts: "revision 42: 2 applied, 1 rejected". A custom validator, or
the validator of a struct NAME is a field of, which pre-flight cannot run,
is judged here. The exit code is 1 if any process
rejected the value, the wait timed out, the value did not stay in etcd (a
process that refuses it rolled it back: with rollback on, its presence
record may no longer list the rejection, so the key tells), or nobody
confirmed it (every process went away first) without --force.

Without a live process to wait for (only with --force), set writes, says
that nobody confirmed the value, and exits with 0. --no-wait writes and
returns at once, saying that whether the processes take the value is not
known (flagz status tells later); exit 0.

--if-revision=N writes only if the key's mod revision is still N (get
shows it; 0: the key must not exist), in one etcd transaction: of two
operators racing with the same N one wins, the other is told the key's
current value and revision, and nothing of theirs is written.

A process is who its presence keys say: a record whose content names
another process (a forgery, or a bug) is left out of pre-flight and the
wait, with a warning. The value of a flag any live process marks sensitive,
and the reasons of processes that do not mark it so, show as [redacted].

--canary=5%,25%,100% writes in stages (see flagz help canary): after
pre-flight, the value goes to a canary record beside the flag, which only
the processes of the first stage apply, over the flag's value. set waits
until each of them applied it, then --bake; it widens to the next stage
only if none of them refused the value, went DEGRADED, reported itself
unhealthy (watcher.WithHealth) or went away. At 100% it writes the flag's
key and removes the canary in one transaction, then waits as above. If a
stage fails, it removes the canary (every process returns to the flag's
value), names each process that failed and why, and exits with 1. The
canary lives in etcd: a command killed or interrupted leaves it at its
stage (flagz canary status, promote, abort). A set, del or undo of a flag
under a canary is refused unless --force, which ends the canary.

Every write records who (--author, else the etcd user, else user@host)
and why (--reason) beside the flag (flagz history).

A value beginning with "-" goes after "--": flagz set rate -- -5.`,
		setup: func(fs *pflag.FlagSet) func(context.Context, *session, []string) error {
			wf := &writeFlags{}
			wf.bind(fs, "write even if pre-flight refuses (no live process, unknown name, static flag, "+
				"a value some process refuses); a process's own refusal still fails the command")
			cf := &canaryFlags{}
			cf.bind(fs)
			return func(ctx context.Context, s *session, args []string) error {
				if fs.Changed("canary") || fs.Changed("bake") || fs.Changed("canary-salt") {
					return runCanarySet(ctx, s, args, wf, cf)
				}
				return runSet(ctx, s, args, wf, change.ActionSet)
			}
		},
	}
}

// runSet sets NAME to VALUE (args) as action (set, undo).
func runSet(ctx context.Context, s *session, args []string, wf *writeFlags, action string) error {
	force := wf.force
	if len(args) == 3 && wf.waitGiven() {
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

	res, cur, err := s.write(ctx, name, clientv3.OpPut(out.Key, value), wf.ifRevision.n, wf.meta(action))
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
	out.Written, out.Revision, out.EndedCanary = true, res.Revision, res.EndedCanary
	if !s.json() {
		s.printf("%s = %s  (key %s, revision %d)", name, out.Value, out.Key, res.Revision)
		if res.EndedCanary {
			s.printf("ended the canary of %s (--force): its processes take this value too", name)
		}
	}
	wr := s.pending(f, wf, name, res.Revision)
	for _, fd := range out.Preflight.Refusals {
		wr.refusers = append(wr.refusers, fd.Processes...)
	}
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

package source

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/internal/link"
	"github.com/flagz-go/flagz/internal/recovery"
	"github.com/flagz-go/flagz/record"
)

// errResyncDue ends a Follow when the resync period is up.
var errResyncDue = errors.New("flagz: periodic resync")

// run is the goroutine Start launches: list when the flags may be stale,
// follow from the listed revision, and when following fails, list again and
// reconcile.
func (r *Runtime) run(ctx context.Context, src *flagz.Source) {
	defer func() {
		r.mu.Lock()
		r.current = false // a later Start lists again rather than replaying history
		r.mu.Unlock()
		src.SetState(record.StateStopped, nil)
	}()
	bo := NewBackoff(r.cfg.MinBackoff, r.cfg.MaxBackoff)
	for ctx.Err() == nil {
		r.mu.Lock()
		current := r.current
		r.mu.Unlock()
		if !current {
			snap, err := r.list(ctx)
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				r.trouble(src, err, true)
				bo.Wait(ctx)
				continue
			}
			r.load(ctx, ctx, snap, false)
			r.saved(true)
		}
		err := r.follow(ctx, src, bo)
		r.mu.Lock()
		r.current = false
		r.mu.Unlock()
		switch {
		case ctx.Err() != nil:
			return
		case errors.Is(err, errResyncDue):
		case errors.Is(err, ErrResync):
			r.log.Info("flagz: the origin's history is gone; listing it again", "reason", err)
		default:
			r.trouble(src, err, true)
			bo.Wait(ctx)
		}
	}
}

// list reads the origin's snapshot, turning a panic into an error.
func (r *Runtime) list(ctx context.Context) (snap Snapshot, err error) {
	err = r.safely("list", func() error {
		snap, err = r.origin.List(ctx)
		return err
	})
	return snap, err
}

// follow runs the origin's Follow until it fails, ctx ends or the resync
// period is up.
func (r *Runtime) follow(ctx context.Context, src *flagz.Source, bo *Backoff) error {
	fctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if r.cfg.ResyncPeriod > 0 {
		t := time.AfterFunc(r.cfg.ResyncPeriod, func() { cancel(errResyncDue) })
		defer t.Stop()
	}
	r.mu.Lock()
	from := r.rev
	r.mu.Unlock()
	sink := &runSink{r: r, src: src, ctx: fctx, run: ctx, bo: bo}
	err := r.safely("follow", func() error { return r.origin.Follow(fctx, from, sink) })
	if cause := context.Cause(fctx); errors.Is(cause, errResyncDue) && ctx.Err() == nil {
		return errResyncDue
	}
	if err == nil {
		err = errors.New("the origin stopped following without a reason")
	}
	return err
}

// load applies a listing: at start-up (Initialize) a Load, the initial load
// if it is the first; later a Replace, which reconciles. The source serves
// then, unless stop has ended (a Stop came meanwhile).
func (r *Runtime) load(ctx, stop context.Context, snap Snapshot, startup bool) flagz.Report {
	src := r.src.Load()
	r.numbered(&snap)
	var report flagz.Report
	if startup {
		report = r.applied(snap.Revision, src.Load(snap.Revision, snap.Values))
	} else {
		report = r.applied(snap.Revision, src.Replace(snap.Revision, snap.Values))
	}
	link.ServingSnapshot(src, "", time.Time{}, 0) // the origin answered
	r.mu.Lock()
	r.rev, r.current = snap.Revision, true
	r.mu.Unlock()
	if stop.Err() == nil {
		r.settled(src, snap.Partial)
	}
	r.writeBackListed(ctx, src, report, snap)
	return report
}

// numbered records the content of snap as the last one seen and reports
// whether it is the same as the one before. An origin without revisions
// gets a count of the distinct contents seen instead, so the debug page and
// the audit log can still tell one version from the next.
func (r *Runtime) numbered(snap *Snapshot) (same bool) {
	hash := contentHash(snap.Values)
	r.mu.Lock()
	defer r.mu.Unlock()
	same = r.hashed && hash == r.lastHash
	r.lastHash, r.hashed = hash, true
	if !r.ownRevision(snap.Revision) {
		if !same {
			r.seq++
		}
		snap.Revision = r.seq
	}
	return same
}

// trouble records that the origin cannot be followed now: DEGRADED, or
// still CONNECTING if nothing was ever loaded. It logs once per new reason.
func (r *Runtime) trouble(src *flagz.Source, err error, logIt bool) {
	st := record.StateDegraded
	if !link.Loaded(src) {
		st = record.StateConnecting
	}
	prev := src.Status()
	src.SetState(st, err)
	if logIt && (prev.State != st || ownReason(prev) != err.Error()) {
		r.log.Warn("flagz: origin unreachable, keeping the last good values", "error", err)
	}
}

// serving records that the origin answers.
func (r *Runtime) serving(src *flagz.Source) {
	prev := src.Status()
	src.SetState(record.StateServing, nil)
	if prev.Waiting == nil && (prev.State == record.StateDegraded || (prev.State == record.StateConnecting && prev.Err != "")) {
		r.log.Info("flagz: origin reachable again", "was", prev.State.String())
	}
}

// ownReason is the reason the runtime gave for the state of st: its Err
// without the wait of a batch the engine adds to it (see
// record.SourceStatus.Waiting).
func ownReason(st record.SourceStatus) string {
	if st.Waiting == nil {
		return st.Err
	}
	return strings.TrimSuffix(strings.TrimSuffix(st.Err, st.Waiting.String()), "; ")
}

// safely runs fn and turns a panic into an error, so that no panic
// escapes a source's goroutines.
func (r *Runtime) safely(what string, fn func() error) (err error) {
	defer recovery.Site{Op: what, Log: r.log}.Recover(&err)
	return fn()
}

// contentHash hashes names and values, sorted by name, each framed by its
// length so that {ab=c} and {a=bc} differ.
func contentHash(values map[string]string) [32]byte {
	h := sha256.New()
	var n [8]byte
	for _, name := range slices.Sorted(maps.Keys(values)) {
		for _, s := range [2]string{name, values[name]} {
			binary.BigEndian.PutUint64(n[:], uint64(len(s)))
			h.Write(n[:])
			h.Write([]byte(s))
		}
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}

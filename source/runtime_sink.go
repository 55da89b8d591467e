package source

import (
	"context"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/internal/recovery"
	"github.com/flagz-go/flagz/record"
)

// runSink is the Sink a Runtime hands its origin for one Follow. Once that
// Follow's context ends, it ignores whatever still arrives.
type runSink struct {
	r   *Runtime
	src *flagz.Source
	ctx context.Context // of the Follow
	run context.Context // of the run: ends with Stop
	bo  *Backoff
}

func (k *runSink) Update(revision int64, values map[string]string) {
	k.guard("update", func() {
		report := k.r.applied(revision, k.src.Update(revision, values))
		k.r.advance(revision)
		k.r.saved(report.Count(record.Applied) > 0)
		k.r.writeBackUpdate(k.ctx, k.src, report, revision, values)
	})
}

func (k *runSink) Remove(revision int64, names ...string) {
	k.guard("remove", func() {
		report := k.r.applied(revision, k.src.Remove(revision, names...))
		k.r.advance(revision)
		k.r.saved(report.Count(record.Applied) > 0)
	})
}

func (k *runSink) Replace(s Snapshot) {
	k.guard("replace", func() {
		same := k.r.numbered(&s)
		k.r.advance(s.Revision)
		if same {
			k.src.Synced(s.Revision)
		} else {
			report := k.r.applied(s.Revision, k.src.Replace(s.Revision, s.Values))
			k.r.saved(report.Count(record.Applied) > 0)
			k.r.writeBackListed(k.ctx, k.src, report, s)
		}
		if k.run.Err() == nil { // else a Stop came while the batch ran: the source stops
			k.r.settled(k.src, s.Partial)
		}
	})
}

func (k *runSink) Current(revision int64) {
	k.guard("current", func() {
		k.r.advance(revision)
		k.src.Synced(revision)
	})
}

func (k *runSink) Serving() {
	k.guard("serving", func() {
		k.bo.Reset()
		k.r.serving(k.src)
	})
}

func (k *runSink) Degraded(err error) {
	k.guard("degraded", func() { k.r.trouble(k.src, err, true) })
}

// guard runs fn unless the Follow it belongs to has ended, recovering a
// panic: sink methods run on the origin's goroutines, which must not die.
func (k *runSink) guard(what string, fn func()) {
	if k.ctx.Err() != nil {
		return
	}
	defer recovery.Site{Op: "sink " + what, Log: k.r.log, Attrs: []any{"kept", "the last good values"}}.Recover(nil)
	fn()
}

// advance moves the revision the flags were brought up to.
func (r *Runtime) advance(revision int64) {
	r.mu.Lock()
	r.rev = max(r.rev, revision)
	r.mu.Unlock()
}

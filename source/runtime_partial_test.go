package source

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/internal/wait"
	"github.com/flagz-go/flagz/record"
)

// partialOrigin lists first and then, while followed, replaces with each
// snapshot sent on next.
type partialOrigin struct {
	first Snapshot
	next  chan Snapshot
}

func (o *partialOrigin) List(context.Context) (Snapshot, error) { return o.first, nil }

func (o *partialOrigin) Follow(ctx context.Context, _ int64, sink Sink) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case s := <-o.next:
			sink.Replace(s)
		}
	}
}

// A partial snapshot applies what it holds and leaves the source DEGRADED
// with its reason, at start-up and later, without passing through SERVING
// while the trouble lasts; a whole snapshot makes it SERVING again.
func TestPartialSnapshotDegradesWithoutBlocking(t *testing.T) {
	fs := newFlagSet(t)
	a := flagz.DynString(fs, "a", "", "")
	b := flagz.DynString(fs, "b", "", "")
	unreadable := errors.New(`key "b" cannot be read`)
	o := &partialOrigin{
		first: Snapshot{Values: map[string]string{"a": "1"}, Partial: unreadable},
		next:  make(chan Snapshot),
	}
	r := mustNew(t, fs, o, Config{Name: "push", Logger: slog.New(slog.DiscardHandler)})
	if _, err := r.Initialize(t.Context()); err != nil {
		t.Fatalf("Initialize of a partial snapshot: %v", err)
	}
	if st := r.Status(); a.Get() != "1" || st.State != record.StateDegraded || st.Err != unreadable.Error() {
		t.Fatalf("after Initialize a=%q, status %v %q", a.Get(), st.State, st.Err)
	}
	if err := r.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Stop)
	since := r.Status().Since
	for _, v := range []string{"2", "3"} {
		o.next <- Snapshot{Values: map[string]string{"a": v}, Partial: unreadable}
		wait.Until(t, 10*time.Second, "a = "+v, func() bool { return a.Get() == v })
	}
	if st := r.Status(); st.State != record.StateDegraded || !st.Since.Equal(since) {
		t.Errorf("status %v since %v, want DEGRADED since %v throughout: %+v", st.State, st.Since, since, st.History)
	}
	o.next <- Snapshot{Values: map[string]string{"a": "3", "b": "x"}}
	wait.Until(t, 10*time.Second, "b applied and SERVING", func() bool {
		return b.Get() == "x" && r.Status().State == record.StateServing
	})
}

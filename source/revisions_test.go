package source

import (
	"context"
	"testing"

	"github.com/flagz-go/flagz/internal/wait"
)

// zeroOrigin lists an origin never written, at revision 0, and tells the
// test where Follow is asked to start.
type zeroOrigin struct {
	memOrigin
	froms chan int64
}

func (o *zeroOrigin) List(context.Context) (Snapshot, error) {
	return Snapshot{Revision: 0, Values: map[string]string{}}, nil
}

func (o *zeroOrigin) Follow(ctx context.Context, from int64, sink Sink) error {
	select {
	case o.froms <- from:
	case <-ctx.Done():
	}
	return o.memOrigin.Follow(ctx, from, sink)
}

type zeroRevisions struct{ zeroOrigin }

func (*zeroRevisions) RevisionsFromZero() {}

// An origin whose revisions start at 0 is followed from the 0 it listed
// at, so that its first write (revision 1) is not skipped; an origin that
// lists at 0 without saying so has no revisions, and its snapshots are
// numbered from 1.
func TestRevisionZeroIsTheOriginsOwnOnlyIfItSaysSo(t *testing.T) {
	for _, c := range []struct {
		name   string
		origin interface {
			Origin
			from() <-chan int64
		}
		want int64
	}{
		{"RevisionsFromZero", &zeroRevisions{zeroOrigin{froms: make(chan int64, 1)}}, 0},
		{"no revisions", &zeroOrigin{froms: make(chan int64, 1)}, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, _ := newRuntime(t, c.origin)
			if _, err := r.Initialize(t.Context()); err != nil {
				t.Fatal(err)
			}
			if err := r.Start(t.Context()); err != nil {
				t.Fatal(err)
			}
			var from int64
			wait.Returns(t, timeout, "Follow", func() { from = <-c.origin.from() }, nil)
			if from != c.want {
				t.Errorf("Follow from %d, want %d", from, c.want)
			}
		})
	}
}

func (o *zeroOrigin) from() <-chan int64 { return o.froms }

package flagz

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/flagz-go/flagz/internal/recovery"
	"github.com/flagz-go/flagz/internal/wait"
)

// Closing a queue drops what is queued, waits for the consumer running,
// and refuses later pushes; a panicking consumer is kept as the last panic
// and does not keep the item from the others.
func TestQueueCloseAndPanics(t *testing.T) {
	q := &queue[int]{site: func(int) recovery.Site { return recovery.Site{Op: "consumer"} }}
	release := make(chan struct{})
	var mu sync.Mutex
	var got []int
	q.add(func(n int) {
		if n == 1 {
			panic("one")
		}
	})
	q.add(func(n int) {
		mu.Lock()
		got = append(got, n)
		mu.Unlock()
		if n == 2 {
			<-release
		}
	})
	q.push(1)
	q.push(2)
	wait.Until(t, 10*time.Second, "item 2 delivered", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) == 2
	})
	q.push(3) // queued behind the blocked consumer
	closed := make(chan struct{})
	go func() {
		q.close()
		close(closed)
	}()
	wait.Until(t, 10*time.Second, "the queue closed", func() bool {
		q.mu.Lock()
		defer q.mu.Unlock()
		return q.closed
	})
	select {
	case <-closed:
		t.Fatal("close returned while a consumer ran")
	default:
	}
	close(release)
	<-closed
	q.push(4)
	q.wait()
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[0] != 1 || got[1] != 2 {
		t.Errorf("delivered %v, want [1 2]: 3 was dropped by close, 4 pushed after it", got)
	}
	if err := q.lastPanicErr(); err == nil || err.Error() != "consumer panicked: one" {
		t.Errorf("last panic %v", err)
	}
}

// A queue with merge merges the items waiting behind a consumer call that
// has run for stuckAfter once backlog of them wait, and every later one
// into the last; the consumer then gets the merged item, and every item
// while it keeps up.
func TestQueueMergesBehindAStuckCall(t *testing.T) {
	q := &queue[[2]int]{
		site:  func([2]int) recovery.Site { return recovery.Site{Op: "consumer"} },
		merge: func(a, b [2]int) [2]int { return [2]int{a[0], b[1]} },
		// stuckAfter 0: any call in progress counts as stuck
	}
	release := make(chan struct{})
	started := make(chan struct{})
	var got [][2]int
	q.add(func(c [2]int) {
		got = append(got, c)
		if len(got) == 1 {
			close(started)
			<-release
		}
	})
	q.push([2]int{0, 1})
	<-started
	for i := 1; i < 3*backlog; i++ {
		q.push([2]int{i, i + 1})
	}
	since, waiting := q.behind()
	if since.IsZero() || waiting != 1 {
		t.Errorf("behind since %v with %d waiting, want set with 1", since, waiting)
	}
	close(release)
	q.wait()
	if want := [][2]int{{0, 1}, {1, 3 * backlog}}; !slices.Equal(got, want) {
		t.Errorf("delivered %v, want %v", got, want)
	}
	if since, _ := q.behind(); !since.IsZero() {
		t.Errorf("still behind since %v after catching up", since)
	}
	for i := 3 * backlog; i < 4*backlog; i++ { // keeping up: every item
		q.push([2]int{i, i + 1})
		q.wait()
	}
	if len(got) != 2+backlog {
		t.Errorf("got %d items while keeping up, want %d", len(got)-2, backlog)
	}
}

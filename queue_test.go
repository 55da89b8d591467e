package flagz

import (
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

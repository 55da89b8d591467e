package fleet

import (
	"fmt"
	"sync"
	"time"
)

// group follows one kind of member (raw watchers, flagz followers,
// presence records) through the rounds of a run: each member reports the
// highest mark it has reached (a value, a revision), and the group records
// when the last of its n members reached the round's mark.
type group struct {
	name string
	n    int

	mu      sync.Mutex
	best    []int64 // per member: the highest mark reported
	mark    int64   // the current round's mark; 0 before the first round
	start   time.Time
	missing int           // members below mark
	done    chan struct{} // closed when missing reaches 0
	last    time.Duration // time from start until missing reached 0
	// For FLEET_ROUNDS: the member that came last, and the time until all
	// but 1% of the members (at least one) had the mark.
	lastMember int
	most       time.Duration
}

func newGroup(name string, n int) *group {
	return &group{name: name, n: n, best: make([]int64, n), done: make(chan struct{})}
}

// arm starts a round: every member must reach mark, timed from start.
// Members already there count at once.
func (g *group) arm(mark int64, start time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.mark, g.start, g.missing, g.most, g.lastMember = mark, start, 0, 0, -1
	g.done = make(chan struct{})
	for _, b := range g.best {
		if b < mark {
			g.missing++
		}
	}
	if g.missing == 0 {
		g.last = time.Since(start)
		close(g.done)
	}
}

// report records that member i has reached got.
func (g *group) report(i int, got int64) {
	now := time.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	before := g.best[i]
	if got <= before {
		return
	}
	g.best[i] = got
	if g.mark > 0 && before < g.mark && got >= g.mark {
		g.missing--
		if g.missing == max(1, g.n/100) {
			g.most = now.Sub(g.start)
		}
		if g.missing == 0 {
			g.last, g.lastMember = now.Sub(g.start), i
			close(g.done)
		}
	}
}

// wait waits until every member reached the round's mark and returns the
// time the last one took, or an error naming how many are missing after
// timeout.
func (g *group) wait(timeout time.Duration) (time.Duration, error) {
	g.mu.Lock()
	done := g.done
	g.mu.Unlock()
	select {
	case <-done:
		g.mu.Lock()
		defer g.mu.Unlock()
		return g.last, nil
	case <-time.After(timeout):
		g.mu.Lock()
		defer g.mu.Unlock()
		return 0, fmt.Errorf("%s: %d of %d members below %d after %v", g.name, g.missing, g.n, g.mark, timeout)
	}
}

// roundDetail is, of one round, the member that came last (-1: none
// missed the mark when the round began) and the time until all but 1% of
// the members had the mark.
type roundDetail struct {
	lastMember int
	most       time.Duration
}

// detail returns the last round's detail.
func (g *group) detail() roundDetail {
	g.mu.Lock()
	defer g.mu.Unlock()
	return roundDetail{lastMember: g.lastMember, most: g.most}
}

package fleet

import (
	"context"
	"sync"
	"testing"

	"github.com/flagz-go/flagz/watcher"
	"github.com/flagz-go/flagz/watcher/presence"
	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// presenceOptions are the watcher options of a follower with presence.
func presenceOptions() []watcher.Option {
	return nil // presence is not on main yet
}

// writeCounter watches the presence prefix, as `flagz set --wait` does: it
// reports each record's revision to a group (one member per process id)
// and counts the writes of each process in each round.
type writeCounter struct {
	mu      sync.Mutex
	members map[string]int // process id → member index
	round   map[string]int // process id → writes this round
	open    bool           // a round is being counted
	rounds  int            // rounds counted
	total   int            // writes over the counted rounds
	maxOne  int            // most writes of one process in one round
	minOne  int            // fewest writes of one process in a round (-1: none yet)
	errs    int            // records that did not decode
	bytes   int            // bytes written over the counted rounds
}

// startPresenceCounter watches the presence records on a client of its own
// of endpoint until tb ends, reporting to g.
func startPresenceCounter(tb testing.TB, endpoint string, g *group) *writeCounter {
	tb.Helper()
	cli, err := newClient(endpoint)
	if err != nil {
		tb.Fatal(err)
	}
	c := &writeCounter{members: map[string]int{}, round: map[string]int{}, minOne: -1}
	ctx, cancel := context.WithCancel(context.Background())
	wch := cli.Watch(ctx, presence.Prefix(prefix), clientv3.WithPrefix(), clientv3.WithCreatedNotify())
	if created := <-wch; created.Err() != nil || !created.Created {
		tb.Fatalf("presence watch not created: %v", created.Err())
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for resp := range wch {
			for _, ev := range resp.Events {
				if ev.Type != mvccpb.PUT {
					continue
				}
				c.put(g, ev.Kv.Value)
			}
		}
	}()
	tb.Cleanup(func() { cancel(); <-done; cli.Close() })
	return c
}

func (c *writeCounter) put(g *group, value []byte) {
	rec, err := presence.Decode(value)
	id, rev := rec.ID, rec.Revision
	c.mu.Lock()
	if err != nil {
		c.errs++
		c.mu.Unlock()
		return
	}
	if c.open {
		c.bytes += len(value)
	}
	i, ok := c.members[id]
	if !ok {
		i = len(c.members)
		c.members[id] = i
	}
	c.round[id]++
	c.mu.Unlock()
	if i < g.n {
		g.report(i, rev)
	}
}

// reset forgets the writes counted so far (those of the start-up).
func (c *writeCounter) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.round)
	c.open, c.rounds, c.total, c.maxOne, c.minOne, c.bytes = false, 0, 0, 0, -1, 0
}

// next closes the counting of a round (if one was open) and opens the
// next: every write from now on counts for it.
func (c *writeCounter) next() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.open {
		c.close()
	}
	c.open = true
	c.rounds++
}

// close adds the round's writes to the totals.
func (c *writeCounter) close() {
	for id := range c.members {
		w := c.round[id]
		c.total += w
		c.maxOne = max(c.maxOne, w)
		if c.minOne < 0 || w < c.minOne {
			c.minOne = w
		}
	}
	clear(c.round)
}

// counts returns, over the rounds counted, the writes per process per
// round, the fewest and the most of one process in one round, how many
// processes wrote, and how many records did not decode. It ends the round
// in progress: call it once the last round is done.
func (c *writeCounter) counts() (perRound float64, fewest, most, processes, undecoded int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.open {
		c.close()
		c.open = false
	}
	if c.rounds == 0 || len(c.members) == 0 {
		return 0, 0, 0, len(c.members), c.errs
	}
	return float64(c.total) / float64(c.rounds*len(c.members)), c.minOne, c.maxOne, len(c.members), c.errs
}

// presenceBuilt tells whether the watcher can publish presence yet.
const presenceBuilt = false

// bytesPerWrite returns the mean size of a record written in the counted
// rounds.
func (c *writeCounter) bytesPerWrite() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.total == 0 {
		return 0
	}
	return float64(c.bytes) / float64(c.total)
}

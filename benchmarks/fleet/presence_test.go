package fleet

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/flagz-go/flagz/watcher"
	"github.com/flagz-go/flagz/watcher/presence"
	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// presenceOptions are the watcher options of a follower with presence:
// its writes spread over $FLEET_SPREAD (a duration, default 20ms), its
// lease's TTL $FLEET_PRESENCE_TTL (default watcher.DefaultPresenceTTL).
func presenceOptions(tb testing.TB) []watcher.Option {
	spread := envDuration(tb, "FLEET_SPREAD", 20*time.Millisecond)
	ttl := envDuration(tb, "FLEET_PRESENCE_TTL", watcher.DefaultPresenceTTL)
	return []watcher.Option{watcher.WithPresence(), watcher.WithPresenceSpread(spread), watcher.WithPresenceTTL(ttl)}
}

// writeCounter watches the presence prefix, as `flagz set --wait` does: it
// reports each record's revision to a group (one member per process id)
// and keeps every write it sees, so that counts can tell how many writes
// each process made for each change.
type writeCounter struct {
	mu      sync.Mutex
	members map[string]int // process id → member index
	writes  []write        // since reset
	arrived chan struct{}  // capacity 1: a write arrived (for quiet)
	errs    int            // records that did not decode
}

// write is one presence write: the process's member index, the revision
// its record says it has applied, the record's size.
type write struct {
	member int
	rev    int64
	bytes  int
}

// startPresenceCounter watches the presence records on a client of its own
// of endpoint until tb ends, reporting to g.
func startPresenceCounter(tb testing.TB, endpoint string, g *group) *writeCounter {
	tb.Helper()
	cli, err := newClient(endpoint)
	if err != nil {
		tb.Fatal(err)
	}
	c := &writeCounter{members: map[string]int{}, arrived: make(chan struct{}, 1)}
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
	defer func() {
		select {
		case c.arrived <- struct{}{}:
		default: // quiet has not taken the last one yet: it learns the same
		}
	}()
	rec, err := presence.Decode(value)
	c.mu.Lock()
	if err != nil {
		c.errs++
		c.mu.Unlock()
		return
	}
	i, ok := c.members[rec.ID]
	if !ok {
		i = len(c.members)
		c.members[rec.ID] = i
	}
	c.writes = append(c.writes, write{member: i, rev: rec.Revision, bytes: len(value)})
	c.mu.Unlock()
	if i < g.n {
		g.report(i, rec.Revision)
	}
}

// quietFor is how long no presence write may arrive for the fleet to
// count as quiet: several times the spread and a loopback write.
const quietFor = 250 * time.Millisecond

// quiet returns once no write has arrived for d, failing tb if writes go on
// for longer than limit.
func (c *writeCounter) quiet(tb testing.TB, d, limit time.Duration) {
	tb.Helper()
	idle, deadline := time.NewTimer(d), time.NewTimer(limit)
	defer idle.Stop()
	defer deadline.Stop()
	for {
		select {
		case <-c.arrived:
			idle.Reset(d)
		case <-idle.C:
			return
		case <-deadline.C:
			tb.Fatalf("presence writes still arriving after %v", limit)
		}
	}
}

// reset forgets the writes seen so far (those of the start-up).
func (c *writeCounter) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes = nil
}

// writeCounts is what a run's presence writes were, per process and change.
type writeCounts struct {
	perChange      float64 // writes per process per change
	fewest, most   int     // of one process for one change
	processes      int     // that wrote a record
	undecoded      int     // records that did not decode
	bytesPerWrite  float64
	beforeFirstPut int // writes since reset that applied no change yet
}

// counts attributes each write since reset to the change it reports:
// revs are the revisions of the rounds' puts, in order, and a record whose
// revision is at least revs[i] and below revs[i+1] was written for change i
// (rounds wait for every record, so no write of change i+1 comes before
// revs[i+1]).
func (c *writeCounter) counts(revs []int64) writeCounts {
	c.mu.Lock()
	defer c.mu.Unlock()
	wc := writeCounts{processes: len(c.members), undecoded: c.errs}
	if len(revs) == 0 || len(c.members) == 0 {
		return wc
	}
	per := make([][]int, len(revs)) // round → member → writes
	for i := range per {
		per[i] = make([]int, len(c.members))
	}
	total, bytes := 0, 0
	for _, w := range c.writes {
		round := sort.Search(len(revs), func(i int) bool { return revs[i] > w.rev }) - 1
		if round < 0 {
			wc.beforeFirstPut++
			continue
		}
		per[round][w.member]++
		total++
		bytes += w.bytes
	}
	wc.fewest = -1
	for _, r := range per {
		for _, n := range r {
			wc.most = max(wc.most, n)
			if wc.fewest < 0 || n < wc.fewest {
				wc.fewest = n
			}
		}
	}
	wc.perChange = float64(total) / float64(len(revs)*len(c.members))
	if total > 0 {
		wc.bytesPerWrite = float64(bytes) / float64(total)
	}
	return wc
}

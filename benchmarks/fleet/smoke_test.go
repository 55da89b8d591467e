package fleet

import (
	"context"
	"testing"
)

// smokeRounds is how many changes the smoke test makes.
const smokeRounds = 5

// TestFleetSmoke runs a fleet of 3 of each kind for a few changes and
// checks what the benchmark counts: every member of every group reaches
// every change, the raw watchers see the put's revision, each follower
// adds exactly one watch and one watch stream on the server when direct,
// and the proxy coalesces them.
func TestFleetSmoke(t *testing.T) {
	cfgs := []config{{n: 3}, {n: 3, proxy: true}, {n: 3, presence: true}, {n: 3, proxy: true, presence: true}}
	for _, cfg := range cfgs {
		t.Run(cfg.String(), func(t *testing.T) {
			f := newFleet(t, cfg)
			for range smokeRounds {
				f.step(t)
			}
			for name, n := range f.lost {
				t.Errorf("%s: %d rounds in which a member missed the change", name, n)
			}
			for name, s := range f.samples {
				if len(s) != smokeRounds {
					t.Errorf("%s: %d samples, want %d", name, len(s), smokeRounds)
				}
			}
			last := f.revs[len(f.revs)-1]
			for i, r := range f.raws {
				if got := r.rev.Load(); got != last {
					t.Errorf("raw watcher %d saw revision %d, want the last put's %d", i, got, last)
				}
			}
			resp, err := f.writer.Get(context.Background(), flagKey)
			if err != nil {
				t.Fatal(err)
			}
			if resp.Kvs[0].ModRevision != last {
				t.Errorf("last put's revision %d, etcd holds %d", last, resp.Kvs[0].ModRevision)
			}
			direct := int64(2 * cfg.n)
			switch {
			case !cfg.proxy && (f.watchers != direct || f.streams != direct):
				t.Errorf("server watchers %d, streams %d; want %d each (one per follower)", f.watchers, f.streams, direct)
			case cfg.proxy && (f.watchers < 1 || f.watchers >= direct):
				t.Errorf("behind the proxy, server watchers %d; want between 1 and %d", f.watchers, direct-1)
			}
			if n := f.warnings.total(); n > 0 {
				t.Errorf("the followers logged %d warnings:%s", n, f.warnings)
			}
			if cfg.presence {
				wc := f.writes.counts(f.revs)
				if wc.perChange != 1 || wc.fewest != 1 || wc.most != 1 || wc.processes != cfg.n || wc.undecoded != 0 {
					t.Errorf("presence writes per process and change %v (fewest %d, most %d), %d processes, %d undecoded; want exactly 1 from each of %d",
						wc.perChange, wc.fewest, wc.most, wc.processes, wc.undecoded, cfg.n)
				}
			}
		})
	}
}

package watcher

import (
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"

	"github.com/flagz-go/flagz/source"
	"github.com/flagz-go/flagz/watcher/canary"
	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// canaryOverlay is what a watcher with presence applies of the canaries
// under its prefix (package canary): for a flag under a canary whose
// current stage holds this process (by its presence id), the canary's
// value, over the value of the flag's key; for every other flag, the
// key's value, exactly as without canaries. It sits between what etcd
// says (a listing, a watch response) and what the runtime is told, so that
// the one engine applies canary values as values of this source: leaving a
// canary returns the flag to its key's value (or its default) at once.
//
// It keeps the value of every flag key, to know what a flag returns to,
// and the canary records. A nil *canaryOverlay (no presence, hence no id)
// passes everything through and keeps nothing.
type canaryOverlay struct {
	id     string // the presence id: what decides membership
	prefix string // the flag prefix, as the watcher was given it
	log    *slog.Logger

	mu      sync.Mutex
	flags   map[string]string     // the value of every flag key
	records map[string]canaryHeld // the valid canary records, by flag name
	derived map[string][]int64    // per flag, the last revisions at which a canary, not the key, changed what it is told
}

// canaryHeld is a canary record and the revision of its write.
type canaryHeld struct {
	rec canary.Record
	rev int64
}

// maxDerived bounds the revisions remembered per flag in derived.
const maxDerived = 8

func newCanaryOverlay(id, prefix string, log *slog.Logger) *canaryOverlay {
	return &canaryOverlay{id: id, prefix: prefix, log: log, flags: map[string]string{},
		records: map[string]canaryHeld{}, derived: map[string][]int64{}}
}

// owns reports whether key is a canary record's.
func (c *canaryOverlay) owns(key []byte) (string, bool) {
	if c == nil {
		return "", false
	}
	return canary.NameOf(c.prefix, string(key))
}

// decode reads a canary record; an invalid one is logged and counts as
// none.
func (c *canaryOverlay) decode(kv *mvccpb.KeyValue) (canaryHeld, bool) {
	rec, err := canary.DecodeKey(c.prefix, string(kv.Key), kv.Value)
	if err != nil {
		c.log.Warn("flagz watcher: canary record ignored", "key", string(kv.Key), "revision", kv.ModRevision, "error", err)
		return canaryHeld{}, false
	}
	return canaryHeld{rec: rec, rev: kv.ModRevision}, true
}

// effective is what the flag name is told now: the canary's value if its
// stage holds this process (member), else the key's, if any.
func (c *canaryOverlay) effective(name string) (value string, exists, member bool) {
	if h, ok := c.records[name]; ok && h.rec.Member(c.id) {
		return h.rec.Value, true, true
	}
	value, exists = c.flags[name]
	return value, exists, false
}

// listed takes a listing: s holds the flag keys' values, canaries the
// canary records found beside them. It makes s what the runtime is told:
// the value of each canary this process is in replaces its flag's, and has
// no version (a refusal of it is no write of the key to roll back).
func (c *canaryOverlay) listed(s *source.Snapshot, canaries []*mvccpb.KeyValue) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.flags = maps.Clone(s.Values)
	clear(c.records)
	for _, kv := range canaries {
		if h, ok := c.decode(kv); ok {
			c.records[h.rec.Flag] = h
		}
	}
	for name := range c.records {
		if value, _, member := c.effective(name); member {
			s.Values[name] = value
			delete(s.Versions, name)
		}
	}
}

// batch takes the writes of one revision: puts and removed of flag keys,
// and canaries, the events of canary records. It returns what the runtime
// is told of them. A flag that is in no canary of this process, before
// or after, is told exactly what its key says; one that is in a canary,
// before or after, is told its value only when what it should hold
// changes: its canary's value, or its key's once it leaves the canary.
func (c *canaryOverlay) batch(rev int64, puts map[string]string, removed []string, canaries []*clientv3.Event) (map[string]string, []string) {
	if c == nil {
		return puts, removed
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(canaries) == 0 && len(c.records) == 0 {
		// No canary: the keys' writes as they are (the common case, on the
		// path of every change).
		for name, v := range puts {
			c.flags[name] = v
		}
		for _, name := range removed {
			delete(c.flags, name)
		}
		return puts, removed
	}
	type before struct {
		value          string
		exists, member bool
	}
	touched := map[string]before{}
	touch := func(name string) {
		if _, ok := touched[name]; !ok {
			v, e, m := c.effective(name)
			touched[name] = before{v, e, m}
		}
	}
	for name := range puts {
		touch(name)
	}
	for _, name := range removed {
		touch(name)
	}
	for _, ev := range canaries {
		name, _ := c.owns(ev.Kv.Key)
		touch(name)
	}
	// What etcd now holds.
	keyWrites := map[string]bool{}
	for name, v := range puts {
		c.flags[name], keyWrites[name] = v, true
	}
	for _, name := range removed {
		delete(c.flags, name)
		keyWrites[name] = true
	}
	for _, ev := range canaries {
		name, _ := c.owns(ev.Kv.Key)
		delete(c.records, name)
		if ev.Type == mvccpb.PUT {
			if h, ok := c.decode(ev.Kv); ok {
				c.records[name] = h
			}
		}
	}
	// What the runtime is told.
	var outPuts map[string]string
	var outRemoved []string
	for _, name := range slices.Sorted(maps.Keys(touched)) {
		b := touched[name]
		value, exists, member := c.effective(name)
		if !b.member && !member {
			// No canary of this process: the key's own write, if any.
			if !keyWrites[name] {
				continue
			}
		} else if b.member == member && b.exists == exists && b.value == value {
			continue // still the canary's value, or still the key's
		}
		if !keyWrites[name] {
			c.derivedAt(name, rev)
		}
		if !exists {
			outRemoved = append(outRemoved, name)
			continue
		}
		if outPuts == nil {
			outPuts = map[string]string{}
		}
		outPuts[name] = value
	}
	return outPuts, outRemoved
}

// derivedAt records that at rev a canary, not the key, changed what the
// flag name is told. Called with c.mu held.
func (c *canaryOverlay) derivedAt(name string, rev int64) {
	revs := c.derived[name]
	if len(revs) == maxDerived {
		revs = slices.Delete(revs, 0, 1)
	}
	c.derived[name] = append(revs, rev)
}

// notUndoable returns an error wrapping source.ErrNotUndoable if what the
// flag name was told at rev came from a canary rather than its key: a
// refused canary value is never rolled back over the key.
func (c *canaryOverlay) notUndoable(name string, rev int64) error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if slices.Contains(c.derived[name], rev) {
		return fmt.Errorf("%w: the value of revision %d is a canary's (or the key's again after it), not a write of the key", source.ErrNotUndoable, rev)
	}
	return nil
}

// memberships returns, for every canary whose current stage holds this
// process, the revision of its record: what the presence status publishes
// (presence.Record.Canary).
func (c *canaryOverlay) memberships() map[string]int64 {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var out map[string]int64
	for name, h := range c.records {
		if h.rec.Member(c.id) {
			if out == nil {
				out = map[string]int64{}
			}
			out[name] = h.rev
		}
	}
	return out
}

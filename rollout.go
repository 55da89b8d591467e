package flagz

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Rollout is the value of a gradual-rollout flag (DynRollout): the share of
// keys (user ids, host names, tenants, …) a feature is enabled for, which
// keys that share picks (the salt), keys always on or always off, and an
// optional ramp that moves the share by itself between two instants.
//
// Which keys a share enables is decided by RolloutBucket, a documented
// function of (salt, key) that every process and every language computes
// alike. Values returned by DynRolloutValue.Get are shared snapshots: read
// them, never modify them (On, Off and Ramp are shared).
type Rollout struct {
	// BasisPoints is the share of keys enabled, in hundredths of a percent:
	// 0 (no key) to 10000 (every key); 1250 is 12.5%. It is zero, and
	// ignored, while Ramp is set.
	BasisPoints int
	// Ramp, when not nil, sets the share from the wall clock instead of
	// BasisPoints.
	Ramp *Ramp
	// Salt chooses which keys a share enables: two flags with different
	// salts enable unrelated sets of keys, and changing a flag's salt
	// reshuffles its keys. Empty in a default means the flag's name; a
	// flag's values always have it set. It holds no zero byte.
	Salt string
	// On lists keys that are always enabled and Off keys that are never
	// enabled, whatever the share. A key may not be in both; keys are not
	// empty. A flag holds both lists sorted, without duplicates.
	On, Off []string
}

// Ramp moves a rollout's share from From to To (basis points, 0 to 10000;
// From may be above To to ramp down) between Start and End, so that one
// write ramps the whole fleet by itself.
type Ramp struct {
	From, To   int
	Start, End time.Time
}

// BasisPointsAt returns the share in force at t, in basis points:
// BasisPoints, or the ramp's share at t (see Ramp.BasisPointsAt).
func (r Rollout) BasisPointsAt(t time.Time) int {
	return r.basisPointsAt(t)
}

func (r *Rollout) basisPointsAt(t time.Time) int {
	if r.Ramp == nil {
		return r.BasisPoints
	}
	return r.Ramp.BasisPointsAt(t)
}

// BasisPointsAt returns the ramp's share at t, in basis points. t, Start and
// End are taken as whole milliseconds since the Unix epoch (rounded down).
// Before Start the share is From; from End on it is To; in between it is
//
//	From + (To − From) × (t − Start) / (End − Start)
//
// computed in 64-bit integers with the division truncated toward zero, so
// the share moves from From toward To one basis point at a time, never
// passes To, and reaches it exactly at End. (Integer division in Go, C,
// Java and Rust truncates so; Python's // rounds down, which differs for a
// ramp down.) For a ramp up the share never decreases with time, so keys
// are only added as it goes.
func (p *Ramp) BasisPointsAt(t time.Time) int {
	now, start, end := t.UnixMilli(), p.Start.UnixMilli(), p.End.UnixMilli()
	switch {
	case now < start:
		return p.From
	case now >= end:
		return p.To
	}
	return p.From + int(int64(p.To-p.From)*(now-start)/(end-start))
}

// enabledAt is the whole decision for key at time t.
func (r *Rollout) enabledAt(key string, t func() time.Time) bool {
	if len(r.Off) > 0 && listed(r.Off, key) {
		return false
	}
	if len(r.On) > 0 && listed(r.On, key) {
		return true
	}
	bp := r.BasisPoints
	if r.Ramp != nil {
		bp = r.Ramp.BasisPointsAt(t())
	}
	switch {
	case bp >= rolloutBuckets:
		return true // every key, the empty one included
	case bp <= 0 || key == "":
		return false
	}
	return rolloutHash(r.Salt, key)%rolloutBuckets < uint64(bp)
}

func listed(sorted []string, key string) bool {
	_, found := slices.BinarySearch(sorted, key)
	return found
}

// normalizeRollout checks r and returns a private copy of it in the form a
// flag holds: salt set (name when empty), lists copied, sorted and without
// duplicates, ramp copied with its instants in UTC, BasisPoints zero under a
// ramp.
func normalizeRollout(r Rollout, name string) (Rollout, error) {
	if r.Ramp != nil {
		ramp := *r.Ramp
		if err := checkRamp(&ramp); err != nil {
			return Rollout{}, err
		}
		r.Ramp, r.BasisPoints = &ramp, 0
	} else if err := checkBasisPoints(r.BasisPoints); err != nil {
		return Rollout{}, err
	}
	if r.Salt == "" {
		r.Salt = name
	}
	if err := checkSalt(r.Salt); err != nil {
		return Rollout{}, err
	}
	var err error
	if r.On, err = normalizeKeys("on", r.On); err != nil {
		return Rollout{}, err
	}
	if r.Off, err = normalizeKeys("off", r.Off); err != nil {
		return Rollout{}, err
	}
	for _, key := range r.On {
		if listed(r.Off, key) {
			return Rollout{}, fmt.Errorf("key %q is both always on and always off: list it in one of on= and off=", key)
		}
	}
	return r, nil
}

var errShare = errors.New("want a share from 0% to 100% in steps of 0.01%, such as 5% or 12.5%")

func checkBasisPoints(bp int) error {
	if bp < 0 || bp > rolloutBuckets {
		return fmt.Errorf("%d basis points: %w", bp, errShare)
	}
	return nil
}

func checkRamp(p *Ramp) error {
	if err := checkBasisPoints(p.From); err != nil {
		return fmt.Errorf("ramp from: %w", err)
	}
	if err := checkBasisPoints(p.To); err != nil {
		return fmt.Errorf("ramp to: %w", err)
	}
	for _, t := range []time.Time{p.Start, p.End} {
		if y := t.UTC().Year(); y < 0 || y > 9999 {
			return fmt.Errorf("ramp instant %s: want an RFC 3339 time between years 0000 and 9999", t)
		}
	}
	if p.End.Before(p.Start) {
		return fmt.Errorf("the ramp ends (%s) before it starts (%s): write START..END with START not after END",
			formatInstant(p.End), formatInstant(p.Start))
	}
	p.Start, p.End = p.Start.UTC(), p.End.UTC()
	return nil
}

func checkSalt(salt string) error {
	if !utf8.ValidString(salt) {
		return fmt.Errorf("salt %q: want valid UTF-8", salt)
	}
	if strings.IndexByte(salt, 0) >= 0 {
		return fmt.Errorf("salt %q: a salt may not hold a zero byte", salt)
	}
	return nil
}

// normalizeKeys returns a sorted copy of keys without duplicates (nil when
// empty), refusing empty or invalid keys.
func normalizeKeys(list string, keys []string) ([]string, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	for _, key := range keys {
		if key == "" {
			return nil, fmt.Errorf("empty key in %s=: write keys separated by single commas, such as %s=alice,bob", list, list)
		}
		if !utf8.ValidString(key) {
			return nil, fmt.Errorf("key %q in %s=: want valid UTF-8", key, list)
		}
	}
	sorted := slices.Clone(keys)
	slices.Sort(sorted)
	return slices.Compact(sorted), nil
}

func equalRollouts(a, b Rollout) bool {
	return a.BasisPoints == b.BasisPoints && a.Salt == b.Salt &&
		slices.Equal(a.On, b.On) && slices.Equal(a.Off, b.Off) && equalRamps(a.Ramp, b.Ramp)
}

func equalRamps(a, b *Ramp) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.From == b.From && a.To == b.To && a.Start.Equal(b.Start) && a.End.Equal(b.End)
}

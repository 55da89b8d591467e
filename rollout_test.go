package flagz

import (
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/flagz-go/flagz/record"
)

// mustSet sets d from text, failing the test on error.
func mustSet(t testing.TB, d *DynRolloutValue, input string) {
	t.Helper()
	if err := d.Set(input); err != nil {
		t.Fatal(err)
	}
}

func testKeys(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = "user-" + strconv.Itoa(i+1)
	}
	return keys
}

// A key is enabled exactly when its bucket, as documented, is below the
// share: at a share equal to its bucket it is off, one basis point more
// and it is on.
func TestRolloutEnabledFollowsTheBucket(t *testing.T) {
	r := DynRollout(newFlagSet(t), "rollout", Rollout{}, "")
	for _, v := range rolloutVectors {
		if v.key == "" {
			continue
		}
		mustSet(t, r, formatPercent(v.bucket)+"% salt="+v.salt)
		if r.Enabled(v.key) {
			t.Errorf("%q under %q (bucket %d) enabled at %s", v.key, v.salt, v.bucket, r)
		}
		mustSet(t, r, formatPercent(v.bucket+1)+"% salt="+v.salt)
		if !r.Enabled(v.key) {
			t.Errorf("%q under %q (bucket %d) not enabled at %s", v.key, v.salt, v.bucket, r)
		}
	}
}

// The salt defaults to the flag's name.
func TestRolloutSaltDefaultsToTheFlagName(t *testing.T) {
	r := DynRollout(newFlagSet(t), "checkout-v2", Rollout{BasisPoints: 2761}, "")
	if got := r.Get().Salt; got != "checkout-v2" {
		t.Fatalf("salt %q, want the flag's name", got)
	}
	if !r.Enabled("user-1") || r.Enabled("user-2") { // buckets 2760 and 5191
		t.Error("the default salt does not pick the keys RolloutBucket(name, key) gives")
	}
}

// Raising the share only adds keys and lowering it only removes them, set
// by hand or moved by a ramp.
func TestRolloutIsMonotone(t *testing.T) {
	keys := testKeys(20_000)
	r := DynRollout(newFlagSet(t), "rollout", Rollout{}, "")
	var prev []bool
	check := func(what string, enabled func(key string) bool, growing bool) {
		t.Helper()
		now := make([]bool, len(keys))
		for i, key := range keys {
			now[i] = enabled(key)
			if prev != nil && prev[i] != now[i] && now[i] != growing {
				t.Fatalf("%s: %q changed from %v to %v", what, key, prev[i], now[i])
			}
		}
		prev = now
	}
	shares := []string{"0%", "0.01%", "1%", "5%", "12.5%", "20%", "50%", "99.99%", "100%"}
	for _, share := range shares {
		mustSet(t, r, share)
		check(share, r.Enabled, true)
	}
	for _, share := range slices.Backward(shares) {
		mustSet(t, r, share)
		check(share, r.Enabled, false)
	}

	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	mustSet(t, r, "ramp 1%..60% 2026-12-01T10:00:00Z..2026-12-01T11:00:00Z")
	prev = nil
	for at := start.Add(-time.Minute); at.Before(start.Add(61 * time.Minute)); at = at.Add(37 * time.Second) {
		check("ramp up at "+at.String(), func(key string) bool { return r.EnabledAt(key, at) }, true)
	}
	mustSet(t, r, "ramp 60%..1% 2026-12-01T10:00:00Z..2026-12-01T11:00:00Z")
	prev = nil
	for at := start.Add(-time.Minute); at.Before(start.Add(61 * time.Minute)); at = at.Add(37 * time.Second) {
		check("ramp down at "+at.String(), func(key string) bool { return r.EnabledAt(key, at) }, false)
	}
}

// Keys always on or always off win over the share, ramps included.
func TestRolloutListsWinOverTheShare(t *testing.T) {
	r := DynRollout(newFlagSet(t), "rollout", Rollout{}, "")
	for _, input := range []string{
		"0% on=alice,bob off=carol",
		"100% on=alice,bob off=carol",
		"37% on=alice,bob off=carol",
		"ramp 0%..100% 2026-12-01T10:00:00Z..2026-12-08T10:00:00Z on=alice,bob off=carol",
	} {
		mustSet(t, r, input)
		for _, at := range []time.Time{time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)} {
			if !r.EnabledAt("alice", at) || !r.EnabledAt("bob", at) {
				t.Errorf("%q at %s: an always-on key is off", input, at)
			}
			if r.EnabledAt("carol", at) {
				t.Errorf("%q at %s: an always-off key is on", input, at)
			}
		}
	}
	if err := r.Set("50% on=alice off=alice"); err == nil {
		t.Error("a key both always on and always off was accepted")
	}
}

// The empty key (no user id at hand) is never enabled, unless every key is.
func TestRolloutEmptyKey(t *testing.T) {
	r := DynRollout(newFlagSet(t), "rollout", Rollout{}, "")
	for _, share := range []string{"0%", "0.01%", "50%", "99.99%"} {
		mustSet(t, r, share)
		if r.Enabled("") {
			t.Errorf("the empty key is enabled at %s", share)
		}
	}
	mustSet(t, r, "100%")
	if !r.Enabled("") {
		t.Error("the empty key is not enabled at 100%")
	}
	mustSet(t, r, "ramp 0%..100% 2026-12-01T10:00:00Z..2026-12-08T10:00:00Z")
	if r.EnabledAt("", time.Date(2026, 12, 8, 9, 59, 59, 0, time.UTC)) {
		t.Error("the empty key is enabled before the ramp reaches 100%")
	}
	if !r.EnabledAt("", time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)) {
		t.Error("the empty key is not enabled once the ramp reached 100%")
	}
}

// The ramp's share is interpolated in whole milliseconds and basis points,
// truncated toward the share it starts from.
func TestRampBasisPoints(t *testing.T) {
	week := Ramp{From: 500, To: 10000,
		Start: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)}
	down := Ramp{From: 5000, To: 0,
		Start: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 1, 10, 0, 3, 0, time.UTC)}
	step := Ramp{From: 100, To: 9000, Start: week.Start, End: week.Start}
	ms := time.Millisecond
	for _, c := range []struct {
		name string
		ramp Ramp
		at   time.Time
		want int
	}{
		{"long before", week, week.Start.AddDate(-1, 0, 0), 500},
		{"just before", week, week.Start.Add(-ms), 500},
		{"at start", week, week.Start, 500},
		{"1 ms in: less than a basis point", week, week.Start.Add(ms), 500},
		{"sub-millisecond ignored", week, week.Start.Add(999 * time.Microsecond), 500},
		{"first basis point", week, week.Start.Add(63_664 * ms), 501}, // 9500 × 63664 / 604800000 = 1.0000…
		{"half way", week, week.Start.Add(84 * time.Hour), 5250},
		{"1 ms before end", week, week.End.Add(-ms), 9999},
		{"at end", week, week.End, 10000},
		{"after end", week, week.End.AddDate(1, 0, 0), 10000},
		{"down, a third in: truncated toward From", down, down.Start.Add(1000 * ms), 3334}, // 5000 − 1666.67
		{"down, at end", down, down.End, 0},
		{"step before", step, step.Start.Add(-ms), 100},
		{"step at", step, step.Start, 9000},
	} {
		if got := c.ramp.BasisPointsAt(c.at); got != c.want {
			t.Errorf("%s: %d basis points, want %d", c.name, got, c.want)
		}
		if got := (Rollout{Ramp: &c.ramp}).BasisPointsAt(c.at); got != c.want {
			t.Errorf("%s: Rollout.BasisPointsAt %d, want %d", c.name, got, c.want)
		}
	}
}

// Enabled is on every request path: one atomic load and a hash, nothing
// allocated, with or without lists and ramps.
func TestRolloutEnabledDoesNotAllocate(t *testing.T) {
	fs := newFlagSet(t)
	plain := DynRollout(fs, "plain", Rollout{BasisPoints: 2500}, "")
	lists := DynRollout(fs, "lists", Rollout{BasisPoints: 2500, On: []string{"a", "b"}, Off: []string{"c"}}, "")
	ramp := DynRollout(fs, "ramp", Rollout{Ramp: &Ramp{From: 0, To: 10000,
		Start: time.Now().Add(-time.Hour), End: time.Now().Add(time.Hour)}}, "")
	key := "0123456789abcdef" // 16 bytes
	at := time.Now()
	n := 0
	allocs := testing.AllocsPerRun(1000, func() {
		for _, r := range []*DynRolloutValue{plain, lists, ramp} {
			if r.Enabled(key) {
				n++
			}
			if r.EnabledAt(key, at) {
				n++
			}
		}
	})
	if allocs != 0 {
		t.Errorf("Enabled allocated %.1f times per round", allocs)
	}
}

// The default is checked at declaration and copied, never aliased.
func TestRolloutDefault(t *testing.T) {
	on := []string{"zed", "amy", "zed"}
	ramp := &Ramp{From: 0, To: 5000, Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("CET", 3600)),
		End: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)}
	r := DynRollout(newFlagSet(t), "rollout", Rollout{BasisPoints: 700, Ramp: ramp, On: on}, "")
	on[0], ramp.To = "changed", 10000
	got := r.Get()
	if !slices.Equal(got.On, []string{"amy", "zed"}) || got.Ramp.To != 5000 || got.BasisPoints != 0 {
		t.Errorf("default held as %+v, ramp %+v: want a sorted private copy, no basis points under a ramp", got, *got.Ramp)
	}
	if got.Ramp.Start.Location() != time.UTC {
		t.Errorf("ramp start held in %v, want UTC", got.Ramp.Start.Location())
	}
	if r.String() != "ramp 0%..50% 2025-12-31T23:00:00Z..2026-02-01T00:00:00Z on=amy,zed" {
		t.Errorf("default prints as %q", r.String())
	}

	for name, bad := range map[string]Rollout{
		"above 100%":      {BasisPoints: 10001},
		"below 0%":        {BasisPoints: -1},
		"ramp backwards":  {Ramp: &Ramp{Start: ramp.End, End: ramp.Start}},
		"ramp above 100%": {Ramp: &Ramp{To: 20000, Start: ramp.Start, End: ramp.End}},
		"key in both":     {On: []string{"a"}, Off: []string{"a"}},
		"empty key":       {Off: []string{""}},
		"zero in salt":    {Salt: "a\x00b"},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("DynRollout accepted the default %+v", bad)
				}
			}()
			DynRollout(newFlagSet(t), "rollout", bad, "")
		})
	}
}

// Sources drive a rollout flag like any other: good values apply, bad ones
// are refused with the reason and the last good value stays.
func TestRolloutFromASource(t *testing.T) {
	fs := newFlagSet(t)
	r := DynRollout(fs, "new_checkout", Rollout{}, "")
	src := EngineFor(fs).Source("test", nil)
	src.Load(1, map[string]string{"new_checkout": "25% salt=checkout-v2\n"})
	if got := r.String(); got != "25% salt=checkout-v2" {
		t.Fatalf("after the load: %q", got)
	}
	report := src.Update(2, map[string]string{"new_checkout": "101%"})
	if len(report) != 1 || report[0].Result != record.Rejected {
		t.Fatalf("101%% was not rejected: %+v", report)
	}
	if got := r.String(); got != "25% salt=checkout-v2" {
		t.Errorf("after a bad update: %q, want the last good value", got)
	}
	src.Remove(3, "new_checkout")
	if got := r.String(); got != "0%" {
		t.Errorf("after the removal: %q, want the default", got)
	}
}

// Readers never race a writer.
func TestRolloutConcurrentSetAndEnabled(t *testing.T) {
	r := DynRollout(newFlagSet(t), "rollout", Rollout{}, "")
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 2 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				r.Enabled("user-" + strconv.Itoa(i))
				_ = r.Describe()
			}
		})
	}
	for _, input := range []string{"5%", "10% on=a", "ramp 0%..100% 2026-12-01T10:00:00Z..2026-12-08T10:00:00Z", "0%"} {
		mustSet(t, r, input)
	}
	close(stop)
	wg.Wait()
}

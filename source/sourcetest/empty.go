package sourcetest

import "testing"

// The first write to an origin that was empty when the source listed it is
// applied like any later one: an origin whose revisions start at 0 (an
// empty NATS bucket) must not be followed from after its first write.
func testFirstWriteToAnEmptyOrigin(t *testing.T, h Harness) {
	f := newFlags(t)
	started(t, h, f)
	h.Set(t, map[string]string{"rate": "20"})
	h.Set(t, map[string]string{"name": "second"})
	eventually(t, "both writes applied", func() bool { return f.rate.Get() == 20 && f.name.Get() == "second" })
}

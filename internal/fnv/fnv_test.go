package fnv

import (
	"encoding/binary"
	stdfnv "hash/fnv"
	"testing"
)

// Every Add gives what hash/fnv's FNV-1a 64 gives over the same bytes, so
// checksums and fingerprints keep their values.
func TestSameAsHashFNV(t *testing.T) {
	inputs := []string{"", "a", "ab", "flag-name", "\x00sensitive", "naïve ☃", string(make([]byte, 300))}
	for _, s := range inputs {
		for _, b := range []byte{0, 1, 2, 0xff} {
			for _, n := range []uint64{0, 7, 1 << 40, ^uint64(0)} {
				ref := stdfnv.New64a()
				ref.Write([]byte(s))
				ref.Write([]byte{b})
				ref.Write(binary.BigEndian.AppendUint64(nil, n))
				if got, want := uint64(Offset.AddString(s).AddByte(b).AddUint64(n)), ref.Sum64(); got != want {
					t.Errorf("%q, %d, %d: %#x, want %#x", s, b, n, got, want)
				}
			}
		}
	}
	if uint64(Offset) != stdfnv.New64a().Sum64() {
		t.Errorf("Offset %#x is not the hash of nothing", uint64(Offset))
	}
}

// Hashing a string allocates nothing.
func TestAddAllocatesNothing(t *testing.T) {
	s := "some-flag-name"
	if n := testing.AllocsPerRun(100, func() { _ = Offset.AddUint64(uint64(len(s))).AddString(s).AddByte(0xff) }); n != 0 {
		t.Errorf("%v allocations", n)
	}
}

// Package fnv is the 64-bit FNV-1a hash, written out so that hashing a
// string allocates nothing, for the hashes flagz computes by hand: the
// checksums of a flag set and the watcher's presence fingerprint. Its
// values are those of hash/fnv's New64a over the same bytes.
package fnv

// Hash is the state of an FNV-1a 64 hash, and its value. Start from
// Offset; each Add returns the state after the bytes it hashes.
type Hash uint64

// Offset is the state of a hash of no bytes.
const Offset Hash = 14695981039346656037

// prime is FNV's 64-bit prime.
const prime = 1099511628211

// AddByte hashes one byte.
func (h Hash) AddByte(b byte) Hash {
	return (h ^ Hash(b)) * prime
}

// AddString hashes the bytes of s.
func (h Hash) AddString(s string) Hash {
	for i := 0; i < len(s); i++ {
		h = (h ^ Hash(s[i])) * prime
	}
	return h
}

// AddUint64 hashes n as 8 big-endian bytes.
func (h Hash) AddUint64(n uint64) Hash {
	for shift := 56; shift >= 0; shift -= 8 {
		h = (h ^ Hash(n>>shift&0xff)) * prime
	}
	return h
}

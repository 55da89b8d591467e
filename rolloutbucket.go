package flagz

import (
	"crypto/sha256"
	"encoding/binary"
)

// rolloutBuckets is the number of buckets keys fall into (RolloutBucket
// returns 0 to 9999): one per basis point (0.01%), so a share of n basis
// points enables the keys of buckets 0 to n-1.
const rolloutBuckets = 10000

// RolloutBucket returns the bucket, 0 to 9999, of key under salt. It is the
// whole of what decides a rollout flag's answer for a key that is in neither
// list, and it is the same in every process, on every platform, in every
// version of flagz. A service in another language computes the same buckets
// this way:
//
//  1. Take the bytes of salt (UTF-8), one zero byte (0x00), then the bytes
//     of key (UTF-8). A salt holds no zero byte, so the pair is unambiguous.
//  2. Hash them with SHA-256.
//  3. Read the first 8 bytes of the digest as an unsigned 64-bit integer,
//     big-endian (most significant byte first).
//  4. The bucket is that integer modulo 10000 (its last four decimal
//     digits).
//
// A key is enabled at a share of p basis points (p/100 percent) if its
// bucket is below p. Raising p therefore only adds keys and lowering it only
// removes them, and every key is enabled at 10000 (100%). The modulo's bias
// is 1616 in 2^64, far below anything measurable.
//
// Test vectors (salt, key → first 8 digest bytes → bucket):
//
//	"checkout-v2", "user-1"   → ba1c68e8ea1b49d8 → 2760
//	"checkout-v2", "user-2"   → c30ceb38d14f47c7 → 5191
//	"checkout-v2", "alice"    → 46ab16b349b1a57b → 3755
//	"checkout-v2", ""         → 7b60233be5c6379c → 4556
//	"new-search", "web-017.eu-west.example.net" → eb0d2f91dd0da070 → 4656
//	"über-flag", "ключ-1"     → 8794f01b2c1c213b → 2699
//
// In Python: int.from_bytes(hashlib.sha256(salt.encode() + b"\0" +
// key.encode()).digest()[:8], "big") % 10000.
//
// Why SHA-256: every language's standard library has it (and FIPS
// environments allow it, unlike MD5); its output bits behave as independent
// and uniform for distinct inputs, so sequential keys ("user-1", "user-2",
// …) spread evenly and two salts choose unrelated sets of keys, which faster
// non-cryptographic hashes of the standard libraries (FNV, CRC-32) do not
// promise; and a salt and key of up to 55 bytes together take a single
// compression of one 64-byte block, which Go runs with the processor's SHA
// instructions where it has them (benchmarks/README.md has the numbers).
func RolloutBucket(salt, key string) int {
	return int(rolloutHash(salt, key) % rolloutBuckets)
}

// Inputs (salt + 0x00 + key) of up to shortHashInput bytes, the usual case,
// are hashed from a small buffer on the stack, up to longHashInput bytes
// from a larger one, and only longer ones from the heap.
const (
	shortHashInput = 64
	longHashInput  = 1024
)

func rolloutHash(salt, key string) uint64 {
	n := len(salt) + 1 + len(key)
	if n > shortHashInput {
		return rolloutHashLong(salt, key)
	}
	var buf [shortHashInput]byte
	frameHashInput(buf[:n], salt, key)
	digest := sha256.Sum256(buf[:n])
	return binary.BigEndian.Uint64(digest[:8])
}

// rolloutHashLong is rolloutHash for long inputs, apart so that the short
// path keeps a small stack frame.
//
//go:noinline
func rolloutHashLong(salt, key string) uint64 {
	n := len(salt) + 1 + len(key)
	var stack [longHashInput]byte
	var buf []byte
	if n <= longHashInput {
		buf = stack[:n]
	} else {
		buf = make([]byte, n)
	}
	frameHashInput(buf, salt, key)
	digest := sha256.Sum256(buf)
	return binary.BigEndian.Uint64(digest[:8])
}

// frameHashInput writes salt, 0x00, key into buf, which is exactly as long.
func frameHashInput(buf []byte, salt, key string) {
	n := copy(buf, salt)
	buf[n] = 0
	copy(buf[n+1:], key)
}

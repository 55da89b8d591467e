package canary

import (
	"crypto/sha256"
	"encoding/binary"
	"slices"
)

// Bucket returns the place of the process of presence id id in the order
// of the canary of salt: the first 8 bytes, big-endian, of
// SHA-256(salt || 0x00 || id). It is the same in every process and every
// language.
func Bucket(salt, id string) uint64 {
	h := sha256.New()
	h.Write([]byte(salt))
	h.Write([]byte{0})
	h.Write([]byte(id))
	var sum [sha256.Size]byte
	return binary.BigEndian.Uint64(h.Sum(sum[:0]))
}

// Size returns how many of live processes a stage of share (basis points)
// holds when it begins: ⌈share·live⌉, at least 1, at most live.
func Size(share, live int) int {
	if live <= 0 {
		return 0
	}
	k := (share*live + Full - 1) / Full
	return min(max(k, 1), live)
}

// Threshold returns the threshold of a stage of share (basis points) of
// the processes of presence ids ids (the live ones), for the canary of
// salt: the bucket of the k-th of ids in bucket order, k = Size(share,
// len(ids)), or, if hasFloor, floor (the previous stage's threshold) if
// that is larger, so that a member of the previous stage stays one. It
// returns how many of ids are members. With no ids it returns floor and 0.
func Threshold(salt string, ids []string, share int, floor uint64, hasFloor bool) (threshold uint64, members int) {
	if len(ids) == 0 {
		return floor, 0
	}
	buckets := make([]uint64, len(ids))
	for i, id := range ids {
		buckets[i] = Bucket(salt, id)
	}
	slices.Sort(buckets)
	threshold = buckets[Size(share, len(ids))-1]
	if hasFloor && floor > threshold {
		threshold = floor
	}
	for _, b := range buckets {
		if b <= threshold {
			members++
		}
	}
	return threshold, members
}

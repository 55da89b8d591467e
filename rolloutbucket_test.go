package flagz

import (
	"crypto/sha256"
	"encoding/binary"
	"math"
	"strconv"
	"strings"
	"testing"
)

// The vectors of RolloutBucket's documentation, computed outside Go (with
// Python's hashlib), so that another language can check itself against them.
var rolloutVectors = []struct {
	salt, key string
	prefix    string // first 8 bytes of the digest, hex
	bucket    int
}{
	{"checkout-v2", "user-1", "ba1c68e8ea1b49d8", 2760},
	{"checkout-v2", "user-2", "c30ceb38d14f47c7", 5191},
	{"checkout-v2", "user-3", "e892081077291419", 6697},
	{"checkout-v2", "alice", "46ab16b349b1a57b", 3755},
	{"checkout-v2", "", "7b60233be5c6379c", 4556},
	{"new-search", "web-017.eu-west.example.net", "eb0d2f91dd0da070", 4656},
	{"über-flag", "ключ-1", "8794f01b2c1c213b", 2699},
	{"long-keys", strings.Repeat("k", 100), "47b55cc0ee4e435c", 4876},
	{"long-keys", strings.Repeat("k", 2000), "7f4f9ff9d6d1769d", 4397},
}

func TestRolloutBucketVectors(t *testing.T) {
	for _, v := range rolloutVectors {
		prefix, err := strconv.ParseUint(v.prefix, 16, 64)
		if err != nil {
			t.Fatal(err)
		}
		if got := rolloutHash(v.salt, v.key); got != prefix {
			t.Errorf("hash(%q, %.20q) = %016x, want %s", v.salt, v.key, got, v.prefix)
		}
		if got := RolloutBucket(v.salt, v.key); got != v.bucket {
			t.Errorf("RolloutBucket(%q, %.20q) = %d, want %d", v.salt, v.key, got, v.bucket)
		}
	}
}

// Inputs around the sizes where the hash changes buffers give the digest of
// the framed bytes.
func TestRolloutBucketEveryInputLength(t *testing.T) {
	const salt = "salt"
	for _, n := range []int{0, 1, 58, 59, 60, 61, 1018, 1019, 1020, 1021, 4096} {
		key := strings.Repeat("x", n)
		sum := sha256.Sum256([]byte(salt + "\x00" + key))
		if got, want := rolloutHash(salt, key), binary.BigEndian.Uint64(sum[:8]); got != want {
			t.Errorf("key of %d bytes: hash %016x, want %016x", n, got, want)
		}
	}
}

// bucketCounts returns how many of the keys user-1 … user-n fall in each
// bucket under salt.
func bucketCounts(salt string, n int) []int {
	counts := make([]int, rolloutBuckets)
	buf := []byte("user-")
	for i := 1; i <= n; i++ {
		key := strconv.AppendInt(buf[:5], int64(i), 10)
		counts[RolloutBucket(salt, string(key))]++
	}
	return counts
}

const sequentialKeys = 1_000_000

// Over a million sequential keys the buckets pass a chi-square test of
// uniformity, in both tails (a hash that spread keys too evenly, as a
// counter does, would not be random either), and every share enables its
// fraction of keys within 0.1 percentage point.
func TestRolloutBucketsAreUniform(t *testing.T) {
	counts := bucketCounts("new-checkout", sequentialKeys)
	expected := float64(sequentialKeys) / rolloutBuckets
	chi2 := 0.0
	for _, c := range counts {
		d := float64(c) - expected
		chi2 += d * d / expected
	}
	low, high := chiSquareBounds(rolloutBuckets-1, 3.0902) // two-sided, 0.1% each side
	if chi2 < low || chi2 > high {
		t.Errorf("chi-square %.0f over %d buckets, want within [%.0f, %.0f]", chi2, rolloutBuckets, low, high)
	}
	t.Logf("chi-square %.0f, bounds [%.0f, %.0f]", chi2, low, high)

	enabled := 0 // keys with a bucket below bp
	next := 0
	for _, bp := range []int{1, 10, 100, 500, 1000, 1250, 2000, 2500, 5000, 7500, 9900, 9999, 10000} {
		for ; next < bp; next++ {
			enabled += counts[next]
		}
		share, want := float64(enabled)/sequentialKeys, float64(bp)/rolloutBuckets
		if math.Abs(share-want) > 0.001 {
			t.Errorf("at %s%% %.4f%% of keys are enabled, want within 0.1 point", formatPercent(bp), 100*share)
		}
	}
}

// chiSquareBounds returns the chi-square values with df degrees of freedom
// that a fraction Φ(-z) of samples fall below and above (Wilson–Hilferty).
func chiSquareBounds(df int, z float64) (low, high float64) {
	k := float64(df)
	at := func(z float64) float64 { return k * math.Pow(1-2/(9*k)+z*math.Sqrt(2/(9*k)), 3) }
	return at(-z), at(z)
}

// Two flags with different salts at 50% each are both on for a quarter of
// the keys: which keys one enables says nothing about the other.
func TestRolloutSaltsAreIndependent(t *testing.T) {
	both := 0
	buf := []byte("user-")
	for i := 1; i <= sequentialKeys; i++ {
		key := string(strconv.AppendInt(buf[:5], int64(i), 10))
		if RolloutBucket("new-checkout", key) < 5000 && RolloutBucket("dark-mode", key) < 5000 {
			both++
		}
	}
	if share := float64(both) / sequentialKeys; math.Abs(share-0.25) > 0.005 {
		t.Errorf("both flags on for %.3f%% of keys, want 25%% ± 0.5%%", 100*share)
	}
}

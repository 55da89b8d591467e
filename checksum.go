package flagz

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"slices"

	"github.com/spf13/pflag"
)

// Kind selects flags by whether they may change at run time.
type Kind int

// Kinds of flags.
const (
	KindAll     Kind = iota // every flag
	KindDynamic             // flags that may change while the program runs
	KindStatic              // flags fixed at start-up
)

func (k Kind) String() string {
	switch k {
	case KindDynamic:
		return "dynamic"
	case KindStatic:
		return "static"
	}
	return "all"
}

func (k Kind) filter() func(*pflag.Flag) bool {
	switch k {
	case KindDynamic:
		return IsFlagDynamic
	case KindStatic:
		return IsFlagStatic
	}
	return nil
}

// cachedSum is the dynamic checksum at one version of the values.
type cachedSum struct {
	version uint64
	sum     uint64
}

// Checksum returns a 64-bit FNV-1a hash of the names and current values of
// the flags of the kind, sorted by name, each name and value framed by its
// length (so {ab=c} and {a=bc} differ). Processes holding the same values
// have the same checksum; it changes only when a value does.
//
// A sensitive flag's value is left out (its name and a marker are hashed
// instead), so the checksum, which the debug page and the metrics publish,
// is no oracle for a secret. With SetChecksumKey, its value enters as an
// HMAC-SHA256 under the key instead: processes sharing the key agree, and
// a changed secret changes the checksum.
//
// The dynamic checksum is kept from one change to the next: asking for it
// costs nothing while no value changed.
func (e *Engine) Checksum(kind Kind) uint64 {
	switch kind {
	case KindDynamic:
		return e.dynamicChecksum()
	case KindStatic:
		return e.staticChecksum()
	}
	return e.checksumOf(kind.filter())
}

// SetChecksumKey makes checksums cover the values of sensitive flags as an
// HMAC-SHA256 under key (see Checksum). Give every process of a fleet the
// same key, from a secret store; nil turns it off again.
func (e *Engine) SetChecksumKey(key []byte) {
	e.mu.Lock()
	e.sumKey = slices.Clone(key)
	e.mu.Unlock()
	e.valueChanged()
}

func (e *Engine) dynamicChecksum() uint64 {
	version := e.version.Load() // read first: a change while hashing makes the next call hash again
	if c := e.dynCache.Load(); c != nil && c.version == version {
		return c.sum
	}
	dyn := e.dynamicSorted()
	h := e.newHasher()
	for _, en := range dyn {
		h.add(en.flag.Name, en.dyn.String(), en.sensitive())
	}
	sum := h.sum()
	e.dynCache.Store(&cachedSum{version: version, sum: sum})
	return sum
}

// checksumOf hashes the flags filter accepts (every flag for nil), reading
// the flag set.
func (e *Engine) checksumOf(filter func(*pflag.Flag) bool) uint64 {
	h := e.newHasher()
	list := e.sortedFlags()
	defer e.releaseFlags(list)
	for _, f := range list.flags {
		if filter == nil || filter(f) {
			h.add(f.Name, e.valueText(f), IsFlagSensitive(f))
		}
	}
	return h.sum()
}

// ChecksumFlagSet returns the checksum (see Engine.Checksum) of the flags
// of fs that filter accepts (all of them for a nil filter), as 8 big-endian
// bytes. Unlike go-flagz it covers flags left at their defaults too, so two
// binaries with different defaults differ.
func ChecksumFlagSet[F FlagSet](fs F, filter func(*pflag.Flag) bool) []byte {
	return binary.BigEndian.AppendUint64(nil, EngineFor(fs).checksumOf(filter))
}

// hasher feeds flags, in name order, to the checksum: FNV-1a 64, written
// out so that hashing a string allocates nothing.
type hasher struct {
	v   uint64
	mac hash.Hash // nil without a key
	buf []byte
}

const (
	fnvOffset64 = 14695981039346656037
	fnvPrime64  = 1099511628211
)

// sensitiveMarker stands for the value of a sensitive flag when no key is
// set. No flag text holds a NUL byte followed by it by accident.
const sensitiveMarker = "\x00sensitive"

func (e *Engine) newHasher() *hasher {
	h := &hasher{v: fnvOffset64}
	e.mu.Lock()
	if e.sumKey != nil {
		h.mac = hmac.New(sha256.New, e.sumKey)
	}
	e.mu.Unlock()
	return h
}

func (h *hasher) add(name, value string, sensitive bool) {
	h.write(name)
	if !sensitive {
		h.write(value)
		return
	}
	if h.mac == nil {
		h.write(sensitiveMarker)
		return
	}
	h.mac.Reset()
	h.mac.Write([]byte(value))
	h.buf = h.mac.Sum(append(h.buf[:0], sensitiveMarker+":"...))
	h.write(string(h.buf))
}

// write hashes the length of s as 8 big-endian bytes, then s.
func (h *hasher) write(s string) {
	n := uint64(len(s))
	for shift := 56; shift >= 0; shift -= 8 {
		h.v = (h.v ^ (n >> shift & 0xff)) * fnvPrime64
	}
	for i := 0; i < len(s); i++ {
		h.v = (h.v ^ uint64(s[i])) * fnvPrime64
	}
}

func (h *hasher) sum() uint64 { return h.v }

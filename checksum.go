package flagz

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"slices"

	"github.com/flagz-go/flagz/internal/fnv"
	"github.com/spf13/pflag"
)

// cachedSum is the dynamic checksum at one version of the values.
type cachedSum struct {
	version uint64
	sum     uint64
}

// DynamicChecksum returns a 64-bit FNV-1a hash of the names and current
// values of the dynamic flags, sorted by name, each name and value framed by
// its length (so {ab=c} and {a=bc} differ). Processes holding the same
// values have the same checksum; it changes only when a value does.
//
// A sensitive flag's value is left out (its name and a marker are hashed
// instead), so the checksum, which the debug page and the metrics publish,
// is no oracle for a secret. With SetChecksumKey, its value enters as an
// HMAC-SHA256 under the key instead: processes sharing the key agree, and
// a changed secret changes the checksum.
//
// It is kept from one change to the next: asking for it costs nothing while
// no value changed.
func (e *Engine) DynamicChecksum() uint64 { return e.dynamicChecksum() }

// StaticChecksum is DynamicChecksum over the static flags: those fixed at
// start-up.
func (e *Engine) StaticChecksum() uint64 { return e.staticChecksum() }

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

// hasher feeds flags, in name order, to the checksum: FNV-1a 64 (see
// internal/fnv), which hashes a string without allocating.
type hasher struct {
	v   fnv.Hash
	mac hash.Hash // nil without a key
	buf []byte
}

// sensitiveMarker stands for the value of a sensitive flag when no key is
// set. No flag text holds a NUL byte followed by it by accident.
const sensitiveMarker = "\x00sensitive"

func (e *Engine) newHasher() *hasher {
	h := &hasher{v: fnv.Offset}
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
	h.v = h.v.AddUint64(uint64(len(s))).AddString(s)
}

func (h *hasher) sum() uint64 { return uint64(h.v) }

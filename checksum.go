package flagz

import (
	"encoding/binary"
	"hash/fnv"
	"sort"

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

// Checksum returns a 64-bit FNV-1a hash of the names and current values of
// the flags of the kind, sorted by name, each name and value framed by its
// length (so {ab=c} and {a=bc} differ). Processes holding the same values
// have the same checksum; it changes only when a value does.
func (e *Engine) Checksum(kind Kind) uint64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.checksumLocked(kind.filter())
}

func (e *Engine) checksumLocked(filter func(*pflag.Flag) bool) uint64 {
	type entry struct{ name, value string }
	var entries []entry
	e.fs.visitAll(func(f *pflag.Flag) {
		if filter == nil || filter(f) {
			entries = append(entries, entry{f.Name, f.Value.String()})
		}
	})
	sort.Slice(entries, func(i, j int) bool { return entries[i].name < entries[j].name })
	h := fnv.New64a()
	var frame [8]byte
	write := func(s string) {
		binary.BigEndian.PutUint64(frame[:], uint64(len(s)))
		h.Write(frame[:])
		h.Write([]byte(s))
	}
	for _, en := range entries {
		write(en.name)
		write(en.value)
	}
	return h.Sum64()
}

// ChecksumFlagSet returns the checksum (see Engine.Checksum) of the flags
// of fs that filter accepts (all of them for a nil filter), as 8 big-endian
// bytes. Unlike go-flagz it covers flags left at their defaults too, so two
// binaries with different defaults differ.
func ChecksumFlagSet[F FlagSet](fs F, filter func(*pflag.Flag) bool) []byte {
	e := EngineFor(fs)
	e.mu.Lock()
	sum := e.checksumLocked(filter)
	e.mu.Unlock()
	return binary.BigEndian.AppendUint64(nil, sum)
}

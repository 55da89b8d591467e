package flagz

import "github.com/spf13/pflag"

// foreignFlags lists, in name order, the flags of a flag set of n flags
// whose values flagz did not declare: the only ones that may be static.
type foreignFlags struct {
	n     int
	flags []*pflag.Flag
}

// staticChecksum is Checksum(KindStatic): checksumOf(IsFlagStatic) without
// looking at the values flagz declared, which are never static. Which flags
// are the others is kept until the flag set grows (a flag set never drops
// or replaces a flag), which flagCount tells without a walk of the flags,
// so a scrape of 10,000 dynamic flags and 10 static ones reads 10 flags;
// whether each is static, and its value, are read every time.
func (e *Engine) staticChecksum() uint64 {
	foreign := e.foreign.Load()
	e.fsMu.Lock()
	n, counted := flagCount(e.fs)
	e.fsMu.Unlock()
	if !counted || foreign == nil || foreign.n != n {
		list := e.sortedFlags()
		foreign = &foreignFlags{n: len(list.flags)}
		for _, f := range list.flags {
			if _, ok := f.Value.(dynamicValue); !ok {
				foreign.flags = append(foreign.flags, f)
			}
		}
		e.releaseFlags(list)
		e.foreign.Store(foreign)
	}
	h := e.newHasher()
	for _, f := range foreign.flags {
		if IsFlagStatic(f) {
			h.add(f.Name, e.valueText(f), IsFlagSensitive(f))
		}
	}
	return h.sum()
}

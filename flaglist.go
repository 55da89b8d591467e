package flagz

import "github.com/spf13/pflag"

// flagList is the flag set's flags in name order, copied under fsMu by
// sortedFlags.
type flagList struct{ flags []*pflag.Flag }

// sortedFlags returns the flag set's flags in name order. It holds fsMu
// only while it copies the pointers (one pass, nothing formatted, hashed or
// called back), so a reader of a large flag set reads the flags themselves
// after releasing it and never makes an apply wait for that. Give the list
// back with releaseFlags: the engine keeps the last one, and while the
// flag set is the same the pass only compares it (no allocation, no
// pointer written).
func (e *Engine) sortedFlags() *flagList {
	l := e.spare.Swap(nil)
	if l == nil {
		l = new(flagList)
	}
	i := 0
	e.fsMu.Lock()
	e.fs.visitAll(func(f *pflag.Flag) {
		if i >= len(l.flags) || l.flags[i] != f {
			l.flags = append(l.flags[:i], f)
		}
		i++
	})
	e.fsMu.Unlock()
	l.flags = l.flags[:i]
	return l
}

// releaseFlags keeps l for the next sortedFlags. A flag set never drops a
// flag, so its pointers keep nothing alive.
func (e *Engine) releaseFlags(l *flagList) {
	e.spare.Store(l)
}

// valueText returns the text of f's value. A value flagz declared is read
// lock-free; any other is read under its entry's commit lock, which every
// change the engine makes to it holds, so the read needs no fsMu.
func (e *Engine) valueText(f *pflag.Flag) string {
	if d, ok := f.Value.(dynamicValue); ok {
		return d.String()
	}
	en := e.entryOf(f)
	en.commit.RLock()
	defer en.commit.RUnlock()
	return f.Value.String()
}

package flagz

import (
	"flag"
	"sync"

	"github.com/spf13/pflag"
)

// FlagSet is either flag set flagz works with: spf13/pflag's or the standard
// library's. Every function that takes a flag set is generic over it, so the
// same call compiles for both:
//
//	flagz.DynInt64(pflag.CommandLine, "rate", 10, "requests per second")
//	flagz.DynInt64(flag.CommandLine, "rate", 10, "requests per second")
type FlagSet interface {
	*pflag.FlagSet | *flag.FlagSet
}

// flagSet is the engine's uniform view of a pflag or standard flag set.
// Standard flags are presented as *pflag.Flag so that filters such as
// IsFlagDynamic work on both.
type flagSet interface {
	name() string
	visitAll(fn func(*pflag.Flag))
	visitSet(fn func(*pflag.Flag)) // the flags that have been set
	lookup(name string) *pflag.Flag
	set(name, value string) error
	register(v dynamicValue, name, usage string)
}

func adapt[F FlagSet](fs F) flagSet {
	switch s := any(fs).(type) {
	case *pflag.FlagSet:
		return pflagSet{s}
	case *flag.FlagSet:
		return stdFlagSet(s)
	}
	panic("flagz: unreachable flag set type")
}

type pflagSet struct{ fs *pflag.FlagSet }

func (p pflagSet) name() string                   { return p.fs.Name() }
func (p pflagSet) visitAll(fn func(*pflag.Flag))  { p.fs.VisitAll(fn) }
func (p pflagSet) visitSet(fn func(*pflag.Flag))  { p.fs.Visit(fn) }
func (p pflagSet) lookup(name string) *pflag.Flag { return p.fs.Lookup(name) }
func (p pflagSet) set(name, value string) error   { return p.fs.Set(name, value) }
func (p pflagSet) register(v dynamicValue, name, usage string) {
	f := p.fs.VarPF(v, name, "", usage)
	if v.IsBoolFlag() {
		f.NoOptDefVal = "true"
	}
	MarkFlagDynamic(f)
}

// stdFlagSet presents a standard *flag.FlagSet. Converted flags are cached so
// that annotations (dynamic, sensitive) stick to them.
type stdFlagSetView struct {
	fs    *flag.FlagSet
	mu    sync.Mutex
	views map[*flag.Flag]*pflag.Flag
}

var stdViews sync.Map // *flag.FlagSet -> *stdFlagSetView

func stdFlagSet(fs *flag.FlagSet) *stdFlagSetView {
	if v, ok := stdViews.Load(fs); ok {
		return v.(*stdFlagSetView)
	}
	v, _ := stdViews.LoadOrStore(fs, &stdFlagSetView{fs: fs, views: map[*flag.Flag]*pflag.Flag{}})
	return v.(*stdFlagSetView)
}

func (s *stdFlagSetView) name() string { return s.fs.Name() }

func (s *stdFlagSetView) view(f *flag.Flag) *pflag.Flag {
	s.mu.Lock()
	defer s.mu.Unlock()
	if pf, ok := s.views[f]; ok {
		return pf
	}
	pv, ok := f.Value.(pflag.Value)
	if !ok {
		pv = stdValue{f.Value}
	}
	pf := &pflag.Flag{Name: f.Name, Usage: f.Usage, Value: pv, DefValue: f.DefValue}
	if d, ok := f.Value.(dynamicValue); ok {
		MarkFlagDynamic(pf)
		if d.IsBoolFlag() {
			pf.NoOptDefVal = "true"
		}
	}
	s.views[f] = pf
	return pf
}

func (s *stdFlagSetView) visitAll(fn func(*pflag.Flag)) {
	s.fs.VisitAll(func(f *flag.Flag) { fn(s.view(f)) })
}

func (s *stdFlagSetView) visitSet(fn func(*pflag.Flag)) {
	s.fs.Visit(func(f *flag.Flag) { fn(s.view(f)) })
}

func (s *stdFlagSetView) lookup(name string) *pflag.Flag {
	f := s.fs.Lookup(name)
	if f == nil {
		return nil
	}
	return s.view(f)
}

func (s *stdFlagSetView) set(name, value string) error { return s.fs.Set(name, value) }

func (s *stdFlagSetView) register(v dynamicValue, name, usage string) {
	s.fs.Var(v, name, usage)
}

// stdValue gives a standard flag.Value the Type method pflag expects.
type stdValue struct{ flag.Value }

func (stdValue) Type() string { return "" }

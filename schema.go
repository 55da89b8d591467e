package flagz

import (
	"github.com/flagz-go/flagz/schema"
	"github.com/spf13/pflag"
)

// Schema lists every flag of the engine's flag set, sorted by name; sorted by name,
// static ones included.
func (e *Engine) Schema() []schema.Flag {
	var out []schema.Flag
	e.fsMu.Lock()
	defer e.fsMu.Unlock()
	e.fs.visitAll(func(f *pflag.Flag) {
		out = append(out, e.schemaOf(e.entryOf(f)))
	})
	return out
}

// schemaOf describes one flag. The caller holds fsMu.
func (e *Engine) schemaOf(en *entry) schema.Flag {
	f := en.flag
	s := schema.Flag{
		Name:      f.Name,
		Type:      f.Value.Type(),
		Dynamic:   en.dynamic(),
		Default:   f.DefValue,
		Usage:     f.Usage,
		Sensitive: en.sensitive(),
	}
	if d := en.dyn; d != nil {
		s.Default = d.defaultString()
		s.Constraints = d.constraints()
	}
	if s.Sensitive {
		s.Default = Redacted
	}
	return s
}

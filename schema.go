package flagz

import "github.com/spf13/pflag"

// FlagSchema describes one declared flag to tools outside the process: what
// a process publishes so that an operator's tool can list the flags and
// check a value before writing it (Preflight). Its JSON form is stable.
type FlagSchema struct {
	Name    string `json:"name"`
	Type    string `json:"type"` // pflag's Value.Type(): "dyn_int64", "int", …; "" for a static flag of the standard flag package
	Dynamic bool   `json:"dynamic"`
	Default string `json:"default"` // Redacted for a sensitive flag
	Usage   string `json:"usage"`
	// Sensitive flags publish no text derived from their value.
	Sensitive bool `json:"sensitive,omitempty"`
	// Constraints are the flag's validators, in the order they run.
	Constraints []Constraint `json:"constraints,omitempty"`
}

// SchemaOf lists every flag of fs, static ones included, sorted by name.
func SchemaOf[F FlagSet](fs F) []FlagSchema {
	return EngineFor(fs).Schema()
}

// Schema lists every flag of the engine's flag set, sorted by name; see
// SchemaOf.
func (e *Engine) Schema() []FlagSchema {
	var out []FlagSchema
	e.fsMu.Lock()
	defer e.fsMu.Unlock()
	e.fs.visitAll(func(f *pflag.Flag) {
		out = append(out, e.schemaOf(e.entryOf(f)))
	})
	return out
}

// schemaOf describes one flag. The caller holds fsMu.
func (e *Engine) schemaOf(en *entry) FlagSchema {
	f := en.flag
	s := FlagSchema{
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

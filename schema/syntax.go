package schema

import "fmt"

// Syntax says how a flag's text is written. Sources that turn structured
// input into flag text read it (flagz.FlagState.Syntax, Flag.Syntax): a YAML list becomes
// comma-separated text for a list flag but a JSON array for a JSON flag, and
// a ConfigMap file keeps its trailing newline for a protocol buffer flag,
// whose input may be binary.
type Syntax int

// The syntaxes of flag text.
const (
	// Text is command-line text: a scalar, or a comma-separated list.
	Text Syntax = iota
	// JSON is a JSON document (flagz.DynJSON, flagz.DynJSONOf).
	JSON
	// Proto is a protocol buffer message as protojson or in the binary
	// wire format, byte for byte (flagz.DynProto).
	Proto
)

var syntaxNames = [...]string{"text", "json", "proto"}

// String gives "text", "json" or "proto".
func (s Syntax) String() string {
	if s < 0 || int(s) >= len(syntaxNames) {
		return "invalid"
	}
	return syntaxNames[s]
}

// IsJSON reports whether text of this syntax may be a JSON document: a
// structured value (a YAML mapping or list) is given to such a flag as JSON.
func (s Syntax) IsJSON() bool { return s == JSON || s == Proto }

// MarshalText gives the syntax's name (see String), so that JSON shows
// "json", not a number.
func (s Syntax) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a syntax's name: "text", "json" or "proto".
func (s *Syntax) UnmarshalText(text []byte) error {
	for i, name := range syntaxNames {
		if name == string(text) {
			*s = Syntax(i)
			return nil
		}
	}
	return fmt.Errorf("schema: unknown syntax %q", text)
}

package record

import "fmt"

// MarshalText gives the result's name (see String), so that JSON shows
// "applied", not a number.
func (r Result) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText reads a result's name as String gives it ("none" is -1).
func (r *Result) UnmarshalText(text []byte) error {
	if string(text) == "none" {
		*r = -1
		return nil
	}
	for i, name := range resultNames {
		if name == string(text) {
			*r = Result(i)
			return nil
		}
	}
	return fmt.Errorf("record: unknown result %q", text)
}

// MarshalText gives the state's name (see String): "SERVING".
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a state's name as String gives it.
func (s *State) UnmarshalText(text []byte) error {
	for i, name := range stateNames {
		if name == string(text) {
			*s = State(i)
			return nil
		}
	}
	return fmt.Errorf("record: unknown source state %q", text)
}

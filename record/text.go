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

// UnmarshalText reads what is waited on as MarshalText writes it
// ("checks", "flag" or "set"), so that a tool decoding the debug page's
// JSON reads a waiting source.
func (w *WaitOn) UnmarshalText(text []byte) error {
	for i, word := range waitOnWords {
		if word == string(text) {
			*w = WaitOn(i)
			return nil
		}
	}
	return fmt.Errorf("record: unknown WaitOn %q", text)
}

package presence

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/flagz-go/flagz/schema"
)

// A process keeps its Record in two keys under one lease, so that a change
// costs a small write: its Info (identity, schema, static values) at
// InfoKey, written when the process starts and again only if any of it
// changes, and its Status at Key, written once per change. List joins
// them. Both are deleted together when the lease ends.

// Info is the part of a Record that seldom changes, the value of the info
// key: who the process is, the schema of its flags, and the values of its
// static flags (sensitive ones left out).
type Info struct {
	ID      string            `json:"id"`
	Host    string            `json:"host"`
	PID     int               `json:"pid"`
	Started time.Time         `json:"started"`
	Version string            `json:"version"`
	FlagSet string            `json:"flag_set"`
	Prefix  string            `json:"prefix"`
	Flags   []schema.Flag     `json:"flags"`
	Values  map[string]string `json:"values,omitempty"` // static flags only, cut (Cut)
	// Dropped names the static flags whose values were left out to keep
	// the info under MaxRecordBytes.
	Dropped []string `json:"dropped,omitempty"`
}

// Status is the part of a Record written on every change, the value of
// the status key: the state, the revision applied, the dynamic checksum,
// the current values of the dynamic flags that are not sensitive, and the
// refusals. Decode reads it as a Record that has these fields only.
type Status struct {
	ID         string            `json:"id"`
	State      string            `json:"state"`
	Revision   int64             `json:"revision"`
	Checksum   string            `json:"checksum"`
	Updated    time.Time         `json:"updated"`
	Values     map[string]string `json:"values,omitempty"` // dynamic flags only, cut (Cut)
	Rejections []Rejection       `json:"rejections,omitempty"`
	Refused    []Rejection       `json:"refused,omitempty"`
	// Dropped names the dynamic flags whose values were left out to keep
	// the status under MaxRecordBytes.
	Dropped        []string  `json:"dropped,omitempty"`
	RefreshSeconds int64     `json:"refresh_seconds,omitempty"`
	Problems       []Problem `json:"problems,omitempty"`
	// Canary is Record.Canary.
	Canary map[string]int64 `json:"canary,omitempty"`
	// Health is Record.Health.
	Health *Health `json:"health,omitempty"`
}

// Split returns the two parts of r as a process writes them: its static
// values (by r.Flags) go to the Info, every other value to the Status.
func (r Record) Split() (Info, Status) {
	info := Info{ID: r.ID, Host: r.Host, PID: r.PID, Started: r.Started, Version: r.Version,
		FlagSet: r.FlagSet, Prefix: r.Prefix, Flags: r.Flags}
	status := Status{ID: r.ID, State: r.State, Revision: r.Revision, Checksum: r.Checksum,
		Updated: r.Updated, Rejections: r.Rejections, Refused: r.Refused, Dropped: r.Dropped,
		RefreshSeconds: r.RefreshSeconds, Problems: r.Problems, Canary: r.Canary, Health: r.Health}
	for name, value := range r.Values {
		if f, ok := r.Flag(name); ok && !f.Dynamic {
			if info.Values == nil {
				info.Values = map[string]string{}
			}
			info.Values[name] = value
			continue
		}
		if status.Values == nil {
			status.Values = map[string]string{}
		}
		status.Values[name] = value
	}
	return info, status
}

// Join returns the record of a process from its status and its info (as
// Decode read them): the status's fields, with the info's identity, schema
// and static values. An info of another id is ignored.
func Join(status, info Record) Record {
	if info.ID != status.ID {
		return status
	}
	r := status
	r.Host, r.PID, r.Started, r.Version = info.Host, info.PID, info.Started, info.Version
	r.FlagSet, r.Prefix, r.Flags = info.FlagSet, info.Prefix, info.Flags
	if len(info.Values) > 0 {
		r.Values = maps.Clone(info.Values)
		maps.Copy(r.Values, status.Values)
	}
	if len(info.Dropped) > 0 {
		r.Dropped = slices.Sorted(slices.Values(append(slices.Clone(status.Dropped), info.Dropped...)))
	}
	return r
}

// EncodeInfo returns the value of the info key: with its values cut (Cut),
// and at most MaxRecordBytes long, its values reduced to their marks or
// dropped (Dropped) if it would be longer.
func EncodeInfo(info Info) ([]byte, error) {
	info.Values = cutValues(info.Values)
	return fit(info, encodeInfo, infoSteps...)
}

func encodeInfo(info Info) ([]byte, error) {
	out, err := json.Marshal(info)
	if err != nil {
		return nil, fmt.Errorf("presence info: %w", err)
	}
	return out, nil
}

// EncodeStatus returns the value of the status key: with its values,
// refusals and problems cut (Cut), at most MaxProblems problems, and at
// most MaxRecordBytes long if its state, revision, checksum and rejections
// by flag fit in that: its values are then reduced to their marks or
// dropped (Dropped), the refusals' and problems' texts reduced to their
// marks, the ended refusals (Refused) dropped, in that order, until it
// fits.
func EncodeStatus(s Status) ([]byte, error) {
	s.Values = cutValues(s.Values)
	s.Rejections, s.Refused = cutRejections(s.Rejections), cutRejections(s.Refused)
	s.Problems = cutProblems(s.Problems)
	return fit(s, encodeStatus, statusSteps...)
}

// encodeStatus returns s's JSON form. It is on the path of every change,
// so it writes the values itself, sorted by name, instead of through
// encoding/json's reflection over a map.
func encodeStatus(s Status) ([]byte, error) {
	values := s.Values
	s.Values = nil
	out, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("presence status: %w", err)
	}
	if len(values) == 0 {
		return out, nil
	}
	buf := make([]byte, 0, len(out)+16+32*len(values))
	buf = append(buf, out[:len(out)-1]...) // without the closing brace
	buf = append(buf, `,"values":{`...)
	for i, name := range slices.Sorted(maps.Keys(values)) {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendJSONString(buf, name)
		buf = append(buf, ':')
		buf = appendJSONString(buf, values[name])
	}
	return append(buf, "}}"...), nil
}

// appendJSONString appends s as a JSON string, as encoding/json would
// decode it back.
func appendJSONString(buf []byte, s string) []byte {
	if !utf8.ValidString(s) {
		out, _ := json.Marshal(s) // replaces invalid bytes, as encoding/json does everywhere
		return append(buf, out...)
	}
	const hex = "0123456789abcdef"
	buf = append(buf, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			buf = append(buf, '\\', c)
		case c < 0x20:
			buf = append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			buf = append(buf, c)
		}
	}
	return append(buf, '"')
}

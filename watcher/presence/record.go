package presence

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/flagz-go/flagz"
)

// Record is what one process publishes about itself. Its JSON form is
// stable.
type Record struct {
	// ID is unique per process and watcher: "host/pid/start-nanos".
	ID      string    `json:"id"`
	Host    string    `json:"host"`
	PID     int       `json:"pid"`
	Started time.Time `json:"started"` // when the process started
	Version string    `json:"version"` // the build's main module version (runtime/debug.ReadBuildInfo)
	FlagSet string    `json:"flag_set"`
	Prefix  string    `json:"prefix"` // the flag prefix, without a trailing slash
	// State is the watcher's state: CONNECTING, SERVING, DEGRADED, STOPPED.
	State string `json:"state"`
	// Revision is the etcd revision the process has applied: every write
	// to the flag prefix up to it has been applied or refused (see
	// Rejections).
	Revision int64     `json:"revision"`
	Checksum string    `json:"checksum"` // the dynamic checksum, 16 hex digits (flagz.Engine.Checksum)
	Updated  time.Time `json:"updated"`  // when the record was written
	// Flags is the schema of every flag of the set, sorted by name.
	Flags []flagz.FlagSchema `json:"flags"`
	// Rejections are the values the process refuses now: per flag, the
	// last value a source offered that it refused, unless a later change
	// of that flag took effect.
	Rejections []Rejection `json:"rejections,omitempty"`
}

// Rejection is a value a process refused.
type Rejection struct {
	Flag     string    `json:"flag"`
	Revision int64     `json:"revision"`        // the etcd revision of the refused value
	Value    string    `json:"value,omitempty"` // omitted for sensitive flags
	Reason   string    `json:"reason"`          // redacted for sensitive flags (see flagz.ValueError)
	At       time.Time `json:"at"`
}

// Flag returns the schema of the flag called name in r.
func (r Record) Flag(name string) (flagz.FlagSchema, bool) {
	for _, f := range r.Flags {
		if f.Name == name {
			return f, true
		}
	}
	return flagz.FlagSchema{}, false
}

// Rejection returns r's current rejection of the flag called name.
func (r Record) Rejection(name string) (Rejection, bool) {
	for _, rej := range r.Rejections {
		if rej.Flag == name {
			return rej, true
		}
	}
	return Rejection{}, false
}

// Encode returns r's JSON form, the value of its key.
func Encode(r Record) ([]byte, error) {
	return json.Marshal(r)
}

// Decode reads a record from the value of its key.
func Decode(value []byte) (Record, error) {
	var r Record
	if err := json.Unmarshal(value, &r); err != nil {
		return Record{}, fmt.Errorf("presence record: %w", err)
	}
	if r.ID == "" {
		return Record{}, fmt.Errorf("presence record: no id")
	}
	return r, nil
}

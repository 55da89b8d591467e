package presence

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/flagz-go/flagz/schema"
)

// Record is what one process publishes about itself, as List returns it:
// its Info and its Status joined (see Split and Join). Its JSON form is
// stable; Encode writes it whole, as older versions wrote the status key,
// and Decode reads any of the three forms.
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
	Checksum string    `json:"checksum"` // the dynamic checksum, 16 hex digits (flagz.Engine.DynamicChecksum)
	Updated  time.Time `json:"updated"`  // when the record was written
	// RefreshSeconds is how often, at least, the process writes its
	// status, changes or not (0 in records of older builds): see Stale.
	RefreshSeconds int64 `json:"refresh_seconds,omitempty"`
	// Problems are the failures of the process's source that last, by
	// name (at most MaxProblems): it serves values, but an operator must
	// see them.
	Problems []Problem `json:"problems,omitempty"`
	// Flags is the schema of every flag of the set, sorted by name.
	Flags []schema.Flag `json:"flags"`
	// Values holds the current value of every flag that is not sensitive
	// (sensitive ones are left out), static flags included. A value longer
	// than MaxText bytes is cut: IsCut tells it, and it is never the real
	// value (see Cut and Matches); one may also be reduced to its mark
	// alone to keep the record under MaxRecordBytes.
	Values map[string]string `json:"values,omitempty"`
	// Dropped names the flags whose values were left out of Values
	// altogether to keep the record under MaxRecordBytes (sorted).
	Dropped []string `json:"dropped,omitempty"`
	// Rejections are the values the process refuses now: per flag, the
	// last value a source offered that it refused, unless a later change
	// of that flag took effect.
	Rejections []Rejection `json:"rejections,omitempty"`
	// Refused lists the last values the process refused (at most
	// MaxRefused, oldest first), kept after the refusal ended: a rollback
	// ends a rejection at once, often before a record listing it was
	// written (writes are coalesced), and a tool waiting for a write must
	// still learn that it was refused (see Refusal).
	Refused []Rejection `json:"refused,omitempty"`
	// Canary lists the canaries whose current stage holds the process
	// (package canary): per flag, the revision of the canary record whose
	// value it was given, over the flag's key (applied, or refused: see
	// Refusal).
	Canary map[string]int64 `json:"canary,omitempty"`
	// Health is what the process's own health check said last
	// (watcher.WithHealth); nil without one.
	Health *Health `json:"health,omitempty"`
}

// Health is what a process's own health check said.
type Health struct {
	OK bool `json:"ok"`
	// Reason is why not, cut (Cut) if long; empty when OK.
	Reason string `json:"reason,omitempty"`
	// Since is when the check began to say so.
	Since time.Time `json:"since"`
}

// MaxRefused is how many refused values a record keeps in Refused.
const MaxRefused = 16

// Rejection is a value a process refused.
type Rejection struct {
	Flag     string `json:"flag"`
	Revision int64  `json:"revision"` // the etcd revision of the refused value
	// Value is the value refused, cut (Cut) if long; omitted for
	// sensitive flags.
	Value string `json:"value,omitempty"`
	// Reason is why, cut (Cut) if long; redacted for sensitive flags (see
	// flagz.ValueError).
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// Flag returns the schema of the flag called name in r.
func (r Record) Flag(name string) (schema.Flag, bool) {
	for _, f := range r.Flags {
		if f.Name == name {
			return f, true
		}
	}
	return schema.Flag{}, false
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

// Refusal returns the process's refusal of the flag name at revision rev
// or later, current (Rejections) or ended since (Refused); the newest if
// there are several.
func (r Record) Refusal(name string, rev int64) (Rejection, bool) {
	var found Rejection
	ok := false
	for _, list := range [][]Rejection{r.Refused, r.Rejections} {
		for _, rej := range list {
			if rej.Flag == name && rej.Revision >= rev && (!ok || rej.Revision >= found.Revision) {
				found, ok = rej, true
			}
		}
	}
	return found, ok
}

// Encode returns r's JSON form, the value of its key.
func Encode(r Record) ([]byte, error) {
	return json.Marshal(r)
}

// Decode reads a record from the value of its key, as it is: DecodeKey
// also checks that it is the record of the process the key names.
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

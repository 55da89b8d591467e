package canary

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/flagz-go/flagz/watcher/change"
)

// Space is the sub-key space, under a flag prefix, the flagz command
// reserves for its records (see package change).
const Space = "@flagz/"

// Prefix returns where the canary records of the flags under flagPrefix
// live: "/flagz/demo/@flagz/canary/" for "/flagz/demo" and "/flagz/demo/"
// alike. It is under the flag prefix, so a watcher's watch sees it, but no
// flag's key is under it.
func Prefix(flagPrefix string) string {
	return strings.TrimSuffix(flagPrefix, "/") + "/" + Space + "canary/"
}

// Key returns the key of the canary record of the flag called name.
func Key(flagPrefix, name string) string { return Prefix(flagPrefix) + name }

// NameOf returns the flag name whose canary record key is key.
func NameOf(flagPrefix, key string) (string, bool) {
	name, ok := strings.CutPrefix(key, Prefix(flagPrefix))
	if !ok || name == "" || strings.Contains(name, "/") {
		return "", false
	}
	return name, true
}

// MaxSalt is the longest salt a record may hold: every process hashes it
// with its id for each record it reads.
const MaxSalt = 64

// Full is a share of 100%, in basis points (1/100 of a percent).
const Full = 10000

// Record is the canary of one flag, the value of its key.
type Record struct {
	Flag string `json:"flag"`
	// Value is the value the members apply over the flag's own. Its JSON
	// form is "value" for UTF-8 text, else "value_base64": every value
	// comes back byte for byte.
	Value string `json:"-"`
	// Sensitive: a live process marks the flag sensitive; tools show
	// the value as [redacted].
	Sensitive bool `json:"sensitive,omitempty"`
	// Salt orders the processes for this canary (see the package
	// documentation); fixed from its first stage to its end.
	Salt string `json:"salt"`
	// Stages are the shares of the live processes each stage holds, in
	// basis points (500 is 5%), increasing; the last is Full.
	Stages []int `json:"stages"`
	// Stage is the index in Stages of the current stage.
	Stage int `json:"stage"`
	// Live is how many live processes the command counted when the stage
	// began, Members how many of them are in it.
	Live    int `json:"live"`
	Members int `json:"members"`
	// Threshold is the largest bucket in the stage (see Member).
	Threshold uint64 `json:"-"`
	// FlagRevision is the mod revision the flag's key had when the canary
	// began (0: no key): promotion writes the key only if it is still so.
	FlagRevision int64 `json:"flag_revision"`
	// Bake is how long each stage runs once every member applied the
	// value, before the next one.
	Bake time.Duration `json:"-"`
	// Who began the canary, and why (see package change), and when the
	// canary and its current stage began.
	By           string    `json:"by"`
	User         string    `json:"etcd_user,omitempty"`
	Reason       string    `json:"reason,omitempty"`
	Started      time.Time `json:"started"`
	StageStarted time.Time `json:"stage_started"`
}

// Share returns the current stage's share of the live processes, in basis
// points.
func (r Record) Share() int {
	if r.Stage < 0 || r.Stage >= len(r.Stages) {
		return 0
	}
	return r.Stages[r.Stage]
}

// Member reports whether the process of presence id id is in the current
// stage.
func (r Record) Member(id string) bool {
	return id != "" && Bucket(r.Salt, id) <= r.Threshold
}

// wire is a Record's JSON form.
type wire struct {
	recordFields
	Value       *string `json:"value,omitempty"`
	ValueBase64 *string `json:"value_base64,omitempty"`
	Threshold   string  `json:"threshold"`
	Bake        string  `json:"bake,omitempty"`
}

type recordFields Record

// Encode returns r's JSON form, the value of its key.
func Encode(r Record) ([]byte, error) {
	if err := r.check(); err != nil {
		return nil, err
	}
	w := wire{recordFields: recordFields(r), Threshold: fmt.Sprintf("%016x", r.Threshold)}
	if utf8.ValidString(r.Value) {
		w.Value = &r.Value
	} else {
		b := base64.StdEncoding.EncodeToString([]byte(r.Value))
		w.ValueBase64 = &b
	}
	if r.Bake > 0 {
		w.Bake = r.Bake.String()
	}
	out, err := json.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("canary record of %s: %w", r.Flag, err)
	}
	return out, nil
}

// ErrNotItsKey is why DecodeKey refuses a record found under the key of
// another flag.
var ErrNotItsKey = errors.New("the record is not of the flag its key names")

// DecodeKey reads the value of key, a canary key under flagPrefix, as the
// canary of the flag the key names, and only as that: a record naming
// another flag is refused with ErrNotItsKey, one that is not whole or
// consistent (no salt, stages not increasing to Full) with an error saying
// why.
func DecodeKey(flagPrefix, key string, value []byte) (Record, error) {
	name, ok := NameOf(flagPrefix, key)
	if !ok {
		return Record{}, fmt.Errorf("canary record: key %q names no flag under %s", key, Prefix(flagPrefix))
	}
	var w wire
	if err := json.Unmarshal(value, &w); err != nil {
		return Record{}, fmt.Errorf("canary record %s: %w", key, err)
	}
	r := Record(w.recordFields)
	if r.Flag != name {
		return Record{}, fmt.Errorf("canary record %s: %w: it says flag %q", key, ErrNotItsKey, r.Flag)
	}
	switch {
	case w.Value != nil && w.ValueBase64 == nil:
		r.Value = *w.Value
	case w.ValueBase64 != nil && w.Value == nil:
		b, err := base64.StdEncoding.DecodeString(*w.ValueBase64)
		if err != nil {
			return Record{}, fmt.Errorf("canary record %s: value_base64: %w", key, err)
		}
		r.Value = string(b)
	default:
		return Record{}, fmt.Errorf("canary record %s: wants one of value and value_base64", key)
	}
	t, err := strconv.ParseUint(w.Threshold, 16, 64)
	if err != nil || len(w.Threshold) != 16 {
		return Record{}, fmt.Errorf("canary record %s: threshold %q: want 16 hex digits", key, w.Threshold)
	}
	r.Threshold = t
	if w.Bake != "" {
		if r.Bake, err = time.ParseDuration(w.Bake); err != nil || r.Bake < 0 {
			return Record{}, fmt.Errorf("canary record %s: bake %q: want a duration, 0 or more", key, w.Bake)
		}
	}
	if err := r.check(); err != nil {
		return Record{}, fmt.Errorf("canary record %s: %w", key, err)
	}
	// Who and why, as a change record keeps them, whoever wrote it.
	r.By, r.User, r.Reason = change.CutText(r.By), change.CutText(r.User), change.CutReason(r.Reason)
	return r, nil
}

// check refuses a record no process can follow.
func (r Record) check() error {
	switch {
	case r.Flag == "" || strings.Contains(r.Flag, "/"):
		return fmt.Errorf("flag name %q: not a flag's", r.Flag)
	case r.Salt == "":
		return errors.New("no salt")
	case len(r.Salt) > MaxSalt:
		return fmt.Errorf("salt of %d bytes: at most %d", len(r.Salt), MaxSalt)
	case r.Stage < 0 || r.Stage >= len(r.Stages) || r.Stages[r.Stage] >= Full:
		return fmt.Errorf("stage %d of %v: not a stage before the last", r.Stage, r.Stages)
	}
	if err := CheckStages(r.Stages); err != nil {
		return err
	}
	return nil
}

// CheckStages refuses stages that do not increase, strictly, from above 0
// to Full.
func CheckStages(stages []int) error {
	if len(stages) == 0 || stages[len(stages)-1] != Full {
		return fmt.Errorf("stages %v: the last must be 100%%", FormatStages(stages))
	}
	prev := 0
	for _, s := range stages {
		if s <= prev {
			return fmt.Errorf("stages %s: each must be above 0 and above the one before", FormatStages(stages))
		}
		prev = s
	}
	return nil
}

// ParseStages reads stages as flagz set --canary takes them:
// "5%,25%,100%" (a share may have up to two decimals: "0.5%").
func ParseStages(s string) ([]int, error) {
	var out []int
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		bp, ok := parseShare(part)
		if !ok {
			return nil, fmt.Errorf("stage %q: want a percentage above 0 and at most 100, with at most two decimals, such as 5%%", part)
		}
		out = append(out, bp)
	}
	if err := CheckStages(out); err != nil {
		return nil, err
	}
	return out, nil
}

// parseShare reads "12.5%" as 1250 basis points.
func parseShare(s string) (int, bool) {
	num, ok := strings.CutSuffix(s, "%")
	if !ok {
		return 0, false
	}
	whole, frac, dot := strings.Cut(num, ".")
	if whole == "" || len(whole) > 3 || (dot && (frac == "" || len(frac) > 2)) {
		return 0, false
	}
	frac += strings.Repeat("0", 2-len(frac))
	bp := 0
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, false
		}
		bp = 10*bp + int(c-'0')
	}
	return bp, bp > 0 && bp <= Full
}

// FormatShare shows a share in basis points as a percentage: "5%", "0.5%".
func FormatShare(bp int) string {
	s := strconv.FormatFloat(float64(bp)/100, 'f', -1, 64)
	return s + "%"
}

// FormatStages shows stages as flagz set --canary takes them.
func FormatStages(stages []int) string {
	parts := make([]string, len(stages))
	for i, s := range stages {
		parts[i] = FormatShare(s)
	}
	return strings.Join(parts, ",")
}

package change

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/flagz-go/flagz/internal/textcut"
)

// Space is the sub-key space, under a flag prefix, that the flagz command
// reserves for its records: "<prefix>/@flagz/". No flag name holds a "/",
// so no flag's key is in it.
const Space = "@flagz/"

// Actions a Record names.
const (
	ActionSet     = "set"     // flagz set wrote the flag's key
	ActionDel     = "del"     // flagz del deleted it
	ActionUndo    = "undo"    // flagz undo put back the value before the last write
	ActionCanary  = "canary"  // a canary began (its first stage)
	ActionStage   = "stage"   // a canary widened to its next stage
	ActionPromote = "promote" // a canary wrote its value to the flag's key and ended
	ActionAbort   = "abort"   // a canary ended without writing the flag's key
)

// MaxReason is how many bytes of a reason a record keeps; a longer one is
// cut at a rune boundary and ends with "…".
const MaxReason = 1024

// MaxText is how many bytes of its author, etcd user and detail a record
// keeps; a longer one is cut as a reason is.
const MaxText = 256

// MaxRecordBytes is the largest record DecodeKey reads: what Encode makes
// of the longest reason and texts (at worst six bytes of JSON a byte), with
// room to spare. A larger value under a record's key is no record the
// command wrote.
const MaxRecordBytes = 16 << 10

// Record is who changed a flag, when and why.
type Record struct {
	Flag   string `json:"flag"`
	Action string `json:"action"`
	// By is who: the author the command was given (--author or
	// FLAGZ_AUTHOR), else the etcd user it authenticated as, else
	// user@host from its environment.
	By string `json:"by"`
	// User is the etcd user the command authenticated as, if it did: an
	// author given by hand does not hide it.
	User   string    `json:"etcd_user,omitempty"`
	At     time.Time `json:"at"` // the command's clock when it wrote
	Reason string    `json:"reason,omitempty"`
	// Detail says more about the action: a canary's stage, what a forced
	// write ended.
	Detail string `json:"detail,omitempty"`
}

// Prefix returns where the records of the flags under flagPrefix live:
// "/flagz/demo/@flagz/change/" for "/flagz/demo" and "/flagz/demo/" alike.
func Prefix(flagPrefix string) string {
	return strings.TrimSuffix(flagPrefix, "/") + "/" + Space + "change/"
}

// Key returns the key of the record of the flag called name.
func Key(flagPrefix, name string) string { return Prefix(flagPrefix) + name }

// CutReason returns reason as a record keeps it: at most MaxReason bytes,
// cut at a rune boundary with "…" appended when longer.
func CutReason(reason string) string { return textcut.Cut(reason, MaxReason) }

// CutText returns an author, etcd user or detail as a record keeps it: at
// most MaxText bytes, cut as CutReason cuts.
func CutText(s string) string { return textcut.Cut(s, MaxText) }

// Bounded returns r as its key keeps it: its reason cut to MaxReason bytes
// and its other texts to MaxText (what Encode writes and DecodeKey reads).
func (r Record) Bounded() Record {
	r.Reason = CutReason(r.Reason)
	r.By, r.User, r.Detail = CutText(r.By), CutText(r.User), CutText(r.Detail)
	return r
}

// Encode returns r's JSON form, the value of its key, with its reason and
// texts cut (CutReason, MaxText).
func Encode(r Record) ([]byte, error) {
	r = r.Bounded()
	out, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("change record of %s: %w", r.Flag, err)
	}
	return out, nil
}

// ErrNotItsKey is why DecodeKey refuses a record found under the key of
// another flag.
var ErrNotItsKey = errors.New("the record is not of the flag its key names")

// DecodeKey reads the value of key, a record key under flagPrefix, as the
// record of the flag the key names, and only as that: a record naming
// another flag is refused with ErrNotItsKey, one over MaxRecordBytes
// unread. Its texts are cut as Encode cuts them, whoever wrote it.
func DecodeKey(flagPrefix, key string, value []byte) (Record, error) {
	name, ok := strings.CutPrefix(key, Prefix(flagPrefix))
	if !ok || name == "" || strings.Contains(name, "/") {
		return Record{}, fmt.Errorf("change record: key %q names no flag under %s", key, Prefix(flagPrefix))
	}
	if len(value) > MaxRecordBytes {
		return Record{}, fmt.Errorf("change record %s: %d bytes, over the limit of %d", key, len(value), MaxRecordBytes)
	}
	var r Record
	if err := json.Unmarshal(value, &r); err != nil {
		return Record{}, fmt.Errorf("change record %s: %w", key, err)
	}
	if r.Flag != name {
		return Record{}, fmt.Errorf("change record %s: %w: it says flag %q", key, ErrNotItsKey, r.Flag)
	}
	return r.Bounded(), nil
}

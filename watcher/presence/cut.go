package presence

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A record stays small whatever the flags hold: a value or a reason
// longer than MaxText bytes is published cut (Cut), and a status or info
// still larger than MaxRecordBytes once encoded has its values, then its
// refusals' texts, reduced to their marks (Cut with no head kept) until it
// fits. A cut text is never the real one, and a reader tells it apart by
// its mark (IsCut):
//
//	<the first bytes of the text, at most MaxText, whole UTF-8 runes>…[flagz-cut <length in bytes> sha256:<16 hex digits>]
//
// The hash is the first 8 bytes of the SHA-256 of the whole text, so two
// cut texts are equal when the texts are (but for a hash collision), and a
// tool holding a value can tell whether a record holds it: Cut(value) ==
// the record's text (Matches).

// MaxText is how many bytes of a value or reason a record keeps before
// cutting it.
const MaxText = 1024

// MaxRecordBytes is the most a status or info value written by a process
// takes, encoded: well under etcd's default request limit (1.5 MiB).
const MaxRecordBytes = 64 << 10

// cutOpen starts the mark of a cut text; cutClose ends it.
const (
	cutOpen  = "…[flagz-cut "
	cutClose = "]"
)

// Cut returns s as a record publishes it: s itself if it is at most
// MaxText bytes long and does not itself look cut (IsCut), else its first
// bytes (at most MaxText, never splitting a UTF-8 sequence) followed by
// the mark of the whole: its length and a hash of it. So IsCut(Cut(s))
// says exactly whether Cut(s) differs from s.
func Cut(s string) string {
	if len(s) <= MaxText && !IsCut(s) {
		return s
	}
	return cutTo(s, MaxText)
}

// cutTo returns s cut to a head of at most n bytes (whole runes), with its
// mark.
func cutTo(s string, n int) string {
	n = min(n, len(s))
	// Cut where a rune starts: back over at most 3 continuation bytes.
	for back := 0; n > 0 && n < len(s) && !utf8.RuneStart(s[n]) && back < utf8.UTFMax-1; back++ {
		n--
	}
	head := s[:n]
	sum := sha256.Sum256([]byte(s))
	return head + cutOpen + strconv.Itoa(len(s)) + " sha256:" + hex.EncodeToString(sum[:8]) + cutClose
}

// IsCut reports whether s is a cut text (Cut): one that ends with the
// mark. Such a text is not the value (or reason) it stands for.
func IsCut(s string) bool {
	if !strings.HasSuffix(s, cutClose) {
		return false
	}
	i := strings.LastIndex(s, cutOpen)
	if i < 0 {
		return false
	}
	mark := s[i+len(cutOpen) : len(s)-len(cutClose)]
	length, hash, ok := strings.Cut(mark, " sha256:")
	if !ok || len(hash) != 16 {
		return false
	}
	if _, err := strconv.ParseUint(length, 10, 63); err != nil {
		return false
	}
	_, err := hex.DecodeString(hash)
	return err == nil
}

// Matches reports whether a record's text published stands for value:
// it is value itself, or value cut (Cut), with its head or without it.
func Matches(published, value string) bool {
	if published == value && !IsCut(published) {
		return true
	}
	if !IsCut(published) {
		return false
	}
	return published == Cut(value) || published == cutTo(value, 0)
}

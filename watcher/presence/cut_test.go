package presence_test

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/flagz-go/flagz/watcher/presence"
)

func TestCutLeavesShortTextsAlone(t *testing.T) {
	for _, s := range []string{"", "x", strings.Repeat("a", presence.MaxText), "…[not a mark]"} {
		if got := presence.Cut(s); got != s {
			t.Errorf("Cut(%.20q…) = %.20q…, want it unchanged", s, got)
		}
		if presence.IsCut(s) {
			t.Errorf("IsCut(%.20q…) = true", s)
		}
		if !presence.Matches(s, s) {
			t.Errorf("Matches(%.20q…, itself) = false", s)
		}
	}
}

func TestCutMarksAndHashesTheWhole(t *testing.T) {
	long := strings.Repeat("a", presence.MaxText) + "tail"
	got := presence.Cut(long)
	sum := sha256.Sum256([]byte(long))
	want := strings.Repeat("a", presence.MaxText) + "…[flagz-cut " + strconv.Itoa(len(long)) +
		" sha256:" + hex.EncodeToString(sum[:8]) + "]"
	if got != want {
		t.Fatalf("Cut = …%q, want …%q", got[presence.MaxText-4:], want[presence.MaxText-4:])
	}
	if !presence.IsCut(got) {
		t.Error("IsCut(Cut(long)) = false")
	}
	if !presence.Matches(got, long) {
		t.Error("Matches(Cut(long), long) = false")
	}
	other := strings.Repeat("a", presence.MaxText) + "tall"
	if presence.Matches(got, other) || presence.Cut(other) == got {
		t.Error("a cut matches another text with the same head")
	}
	if presence.Matches(got, got) {
		t.Error("a cut text matches itself taken as a value")
	}
}

func TestCutNeverSplitsARune(t *testing.T) {
	for pad := range 4 {
		s := strings.Repeat("a", pad) + strings.Repeat("€", presence.MaxText) // 3 bytes each
		got := presence.Cut(s)
		if !utf8.ValidString(got) {
			t.Errorf("pad %d: Cut split a rune: %q", pad, got[presence.MaxText-8:])
		}
		head := got[:strings.Index(got, "…[flagz-cut ")]
		if !strings.HasPrefix(s, head) || len(head) > presence.MaxText || len(head) < presence.MaxText-3 {
			t.Errorf("pad %d: head of %d bytes, want the text's first %d-%d", pad, len(head), presence.MaxText-3, presence.MaxText)
		}
	}
}

func TestCutCutsATextThatLooksCut(t *testing.T) {
	fake := "x…[flagz-cut 5 sha256:0123456789abcdef]"
	if !presence.IsCut(fake) {
		t.Fatal("IsCut(fake) = false")
	}
	got := presence.Cut(fake)
	if got == fake || !presence.IsCut(got) || !presence.Matches(got, fake) {
		t.Errorf("Cut(%q) = %q: a value that looks cut must be published cut", fake, got)
	}
}

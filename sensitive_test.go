package flagz

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/flagz-go/flagz/internal/recovery"
	"github.com/flagz-go/flagz/record"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// secret is planted in refused inputs; no part of it may reach an error.
const secret = "Hv4Rp8Jc"

// leaks reports whether text holds secret, a part of it of four characters
// or more, or the secret escaped.
func leaks(text string) bool {
	for n := 4; n <= len(secret); n++ {
		for i := 0; i+n <= len(secret); i++ {
			if strings.Contains(text, secret[i:i+n]) {
				return true
			}
		}
	}
	return strings.Contains(text, fmt.Sprintf("%x", secret))
}

// errorTexts returns the text of err and of every error it wraps: a
// reporter that walks the chain (as error trackers do) prints them all.
func errorTexts(err error) []string {
	if err == nil {
		return nil
	}
	texts := []string{err.Error()}
	switch e := err.(type) {
	case interface{ Unwrap() error }:
		texts = append(texts, errorTexts(e.Unwrap())...)
	case interface{ Unwrap() []error }:
		for _, inner := range e.Unwrap() {
			texts = append(texts, errorTexts(inner)...)
		}
	}
	return texts
}

// A sensitive flag's refusal says who refused it (the parser, named by the
// flag's type, or the validator, named with its configuration or its
// position) and nothing the parser or validator said about the value,
// whatever escaped form of it they quote; errors.Is still tells the kind.
// A flag that is not sensitive keeps the informative text.
func TestSensitiveReasonsNameTheRefuserOnly(t *testing.T) {
	fs := newFlagSet(t)
	digits := regexp.MustCompile(`^[0-9]+$`)
	quoting := func(v string) error { return fmt.Errorf("refusing %q", v) }
	type setter interface{ Set(string) error }
	cases := []struct {
		flag   setter
		input  string
		kind   error
		reason string
		plain  string // in the error of the same flag when not sensitive
	}{
		{DynInt64(fs, "int", 1, ""), secret, ErrParse, "not a valid dyn_int64", "invalid syntax"},
		{DynInt64(fs, "int_range", 1, "").WithValidator(ValidateDynInt64Range(1, 9)), "86753091", ErrInvalid,
			"failed ValidateDynInt64Range(1, 9)", "not in range"},
		{DynFloat64(fs, "float_range", 0, "").WithValidator(ValidateDynFloat64Range(0, 1)), "86753091", ErrInvalid,
			"failed ValidateDynFloat64Range(0, 1)", "not in range"},
		{DynDuration(fs, "duration", 0, ""), secret + "\x00", ErrParse, "not a valid dyn_duration", "invalid duration"},
		{DynString(fs, "regex", "", "").WithValidator(ValidateDynStringMatchesRegex(digits)), secret + "\x00", ErrInvalid,
			"failed ValidateDynStringMatchesRegex(^[0-9]+$)", "does not match"},
		{DynString(fs, "custom", "", "").WithValidator(ValidateDynStringMatchesRegex(regexp.MustCompile(`.`))).WithValidator(quoting),
			"\u202e" + secret, ErrInvalid, "failed a custom validator (#2)", "refusing"},
		{DynString(fs, "panicky", "", "").WithValidator(func(v string) error { panic("no " + v) }), secret, ErrInvalid,
			"failed a custom validator (#1)", "panic"},
		{DynStringSlice(fs, "slice", nil, "").WithValidator(ValidateDynStringSliceMinElements(3)), secret, ErrInvalid,
			"failed ValidateDynStringSliceMinElements(3)", "1 elements"},
		{DynStringSet(fs, "set", nil, "").WithValidator(ValidateDynStringSetMinElements(3)), secret, ErrInvalid,
			"failed ValidateDynStringSetMinElements(3)", "1 elements"},
		{DynJSON(fs, "json", &routing{}, ""), `{"retries": ` + secret + `}`, ErrParse, "not a valid dyn_json", "invalid character"},
		{DynProto(fs, "proto", &wrapperspb.StringValue{}, ""), `{"value": ` + secret + `}`, ErrParse, "not a valid dyn_proto", "invalid value"},
		{DynRollout(fs, "rollout", Rollout{}, ""), "5% on=" + secret + " on=x", ErrParse, "not a rollout value: want a share", "given twice"},
	}
	for _, c := range cases {
		d := fs.Lookup(flagNameOf(c.flag)).Value.(dynamicValue)
		name := d.flagName()
		plainErr := c.flag.Set(c.input)
		if plainErr == nil || !strings.Contains(plainErr.Error(), c.plain) {
			t.Errorf("%s, not sensitive: %v, want an error saying %q", name, plainErr, c.plain)
		}
		MarkSensitive(fs, name)
		err := c.flag.Set(c.input)
		var ve *ValueError
		if !errors.As(err, &ve) || !errors.Is(err, c.kind) {
			t.Errorf("%s: %v, want a ValueError of kind %v", name, err, c.kind)
			continue
		}
		if !strings.HasPrefix(ve.Reason.Error(), c.reason) {
			t.Errorf("%s: reason %q, want %q", name, ve.Reason, c.reason)
		}
		if ve.Input != Redacted || ve.Flag != name {
			t.Errorf("%s: %+v", name, ve)
		}
		for _, text := range errorTexts(err) {
			if leaks(text) || strings.Contains(text, "86753091") {
				t.Errorf("%s: the error quotes the value: %s", name, text)
			}
		}
	}
}

func flagNameOf(v any) string { return v.(interface{ Name() string }).Name() }

// Static flags marked sensitive: the flag set's own errors quote the input
// ("invalid argument \"…\" for \"--ip\" flag"); the reason names the flag's
// type alone, through Report.Err and the recorded rejection.
func TestSensitiveStaticFlagErrors(t *testing.T) {
	pfs := newFlagSet(t)
	pfs.IP("ip", nil, "")
	MarkSensitive(pfs, "ip")
	sfs := flag.NewFlagSet(t.Name(), flag.ContinueOnError)
	sfs.Int("n", 0, "")
	MarkSensitive(sfs, "n")
	for _, c := range []struct {
		report Report
		name   string
		reason string
		state  func() (FlagState, bool)
	}{
		{EngineFor(pfs).Source("s", nil).Load(1, map[string]string{"ip": secret + "\x00"}), "ip", "not a valid ip",
			func() (FlagState, bool) { return EngineFor(pfs).Flag("ip") }},
		{EngineFor(sfs).Source("s", nil).Load(1, map[string]string{"n": secret}), "n", "not a valid value",
			func() (FlagState, bool) { return EngineFor(sfs).Flag("n") }},
	} {
		o, _ := c.report.Outcome(c.name)
		var ve *ValueError
		if o.Result != record.Rejected || !errors.As(o.Err, &ve) || !errors.Is(o.Err, ErrParse) || ve.Reason.Error() != c.reason {
			t.Errorf("%s: %v, want rejected with reason %q", c.name, o, c.reason)
		}
		st, _ := c.state()
		texts := append(errorTexts(c.report.Err()), st.LastRejection.Reason, o.String())
		for _, text := range texts {
			if leaks(text) {
				t.Errorf("%s: the error quotes the value: %s", c.name, text)
			}
		}
	}
}

// syncBuffer collects log lines written from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *syncBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// A notifier's panic is logged to the log of the source whose change
// triggered it (slog.Default for a direct Set). For a sensitive flag the
// panic's value, which may quote the flag's value, and the arguments of
// the stack trace, which hold the values themselves as numbers, are
// withheld, on the page's state too.
func TestNotifierPanicLoggedRedactedToTheSourcesLog(t *testing.T) {
	def := &syncBuffer{}
	prev := slog.Default()
	slog.SetDefault(def.logger())
	t.Cleanup(func() { slog.SetDefault(prev) })

	fs := newFlagSet(t)
	const pin = 86753091
	secretPin := DynInt64(fs, "pin", 1, "").WithSensitive().
		WithNotifier(func(_, v int64) { panic(fmt.Sprintf("cannot use %d", v)) })
	token := DynString(fs, "token", "", "").WithSensitive().
		WithNotifier(func(_, v string) { panic("cannot use " + strconv.Quote(v)) })
	plain := DynString(fs, "plain", "", "").
		WithNotifier(func(_, v string) { panic("cannot use " + v) })

	srcLog := &syncBuffer{}
	src := EngineFor(fs).Source("vault", srcLog.logger())
	src.Update(1, map[string]string{"pin": strconv.Itoa(pin), "token": secret, "plain": "visible-value"})
	secretPin.WaitNotified()
	token.WaitNotified()
	plain.WaitNotified()

	logged := srcLog.String()
	if strings.Count(logged, "notifier panicked") != 3 {
		t.Fatalf("the source's log holds %d notifier panics, want 3:\n%s", strings.Count(logged, "notifier panicked"), logged)
	}
	if strings.Contains(def.String(), "notifier panicked") {
		t.Errorf("a panic of a change made by a source went to slog.Default:\n%s", def.String())
	}
	if !strings.Contains(logged, "cannot use visible-value") {
		t.Errorf("the panic of a flag that is not sensitive lost its value:\n%s", logged)
	}
	states := map[string]string{}
	for _, st := range EngineFor(fs).Flags() {
		states[st.Name] = st.NotifierPanic
	}
	if !strings.Contains(states["plain"], "visible-value") || !strings.Contains(states["token"], "panicked") {
		t.Errorf("notifier panics on the state: %q", states)
	}
	for _, text := range []string{logged, states["pin"], states["token"]} {
		for _, form := range []string{strconv.Itoa(pin), strconv.FormatInt(pin, 16)} {
			if strings.Contains(text, form) {
				t.Errorf("%s (a form of the pin) in %s", form, text)
			}
		}
		if leaks(text) {
			t.Errorf("the token leaked in %s", text)
		}
	}

	// A direct Set has no source: slog.Default.
	if err := plain.Set("direct"); err != nil {
		t.Fatal(err)
	}
	plain.WaitNotified()
	if !strings.Contains(def.String(), "cannot use direct") {
		t.Errorf("a direct Set's notifier panic is not in slog.Default:\n%s", def.String())
	}
}

// The text a withheld panic value shows is Redacted.
func TestRecoveryRedactedIsRedacted(t *testing.T) {
	if recovery.Redacted != Redacted {
		t.Errorf("internal/recovery withholds a panic value as %q, not %q", recovery.Redacted, Redacted)
	}
}

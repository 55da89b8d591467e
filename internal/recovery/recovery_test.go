package recovery

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
)

const pin = 86753091

// explode panics quoting n; its frame in the stack holds n as an argument.
//
//go:noinline
func explode(n int) {
	panic(fmt.Sprintf("cannot use %d", n))
}

func run(s Site, fn func()) (err error) {
	defer s.Recover(&err)
	fn()
	return nil
}

// A panic becomes an error naming the operation, logged once at ERROR with
// the site's attributes, the panic and the stack.
func TestPanicIsAnErrorLoggedOnce(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	err := run(Site{Op: "notifier", Log: log, Attrs: []any{"flag", "rate"}}, func() { explode(7) })
	var e *Error
	if !errors.As(err, &e) || err.Error() != "notifier panicked: cannot use 7" || e.Op != "notifier" {
		t.Fatalf("err %v, want the notifier's panic", err)
	}
	if !strings.Contains(e.Stack, "recovery.explode(") {
		t.Errorf("the error's stack lacks the panicking frame:\n%s", e.Stack)
	}
	logged := buf.String()
	if n := strings.Count(logged, "\n"); n != 1 {
		t.Fatalf("%d log lines, want 1:\n%s", n, logged)
	}
	for _, want := range []string{"level=ERROR", `msg="flagz: notifier panicked"`, "flag=rate", `panic="cannot use 7"`, "stack=", "recovery.explode("} {
		if !strings.Contains(logged, want) {
			t.Errorf("the log lacks %s:\n%s", want, logged)
		}
	}
}

// Without a log nothing is logged; without an error pointer the panic is
// dropped; without a panic the error is left alone.
func TestWithoutLogOrErrorPointer(t *testing.T) {
	var buf bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	t.Cleanup(func() { slog.SetDefault(prev) })

	if err := run(Site{Op: "parser"}, func() { panic("bad decoder") }); err == nil || err.Error() != "parser panicked: bad decoder" {
		t.Errorf("err %v", err)
	}
	func() {
		defer Site{Op: "Describe"}.Recover(nil)
		panic("describe failed")
	}()
	if err := run(Site{Op: "validator"}, func() {}); err != nil {
		t.Errorf("no panic, err %v", err)
	}
	if buf.Len() != 0 {
		t.Errorf("a site without a log logged:\n%s", buf.String())
	}
}

// A sensitive site withholds the panic's value and the stack's arguments,
// from the error and the log.
func TestSensitiveWithholdsValueAndArguments(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	err := run(Site{Op: "notifier", Log: log, Sensitive: true}, func() { explode(pin) })
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(err.Error(), Redacted) || !strings.Contains(err.Error(), "string") {
		t.Fatalf("err %v, want the panic withheld, naming its type", err)
	}
	if !strings.Contains(e.Stack, "recovery.explode(...)") {
		t.Errorf("the stack lost its frames:\n%s", e.Stack)
	}
	for _, text := range []string{err.Error(), e.Stack, buf.String()} {
		for _, form := range []string{strconv.Itoa(pin), strconv.FormatInt(pin, 16)} {
			if strings.Contains(text, form) {
				t.Errorf("%s (a form of the pin) in %s", form, text)
			}
		}
	}
	if errors.Unwrap(err) != nil {
		t.Error("a withheld panic value unwraps")
	}
}

// A panic with an error unwraps to it.
func TestUnwrapsAnErrorValue(t *testing.T) {
	err := run(Site{Op: "Set"}, func() { panic(io.ErrUnexpectedEOF) })
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("err %v does not unwrap to the panic's error", err)
	}
}

// The site's attributes are never written to.
func TestAttrsNotModified(t *testing.T) {
	attrs := make([]any, 2, 8)
	attrs[0], attrs[1] = "flag", "a"
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	run(Site{Op: "notifier", Log: log, Attrs: attrs}, func() { panic("x") })
	if extended := attrs[:4]; extended[2] != nil || extended[3] != nil {
		t.Errorf("the site's attributes were appended to in place: %v", extended)
	}
}

// withoutArguments elides every frame's arguments and keeps the rest.
func TestStackWithoutArguments(t *testing.T) {
	in := "goroutine 7 [running]:\nmain.notify(0x52bc5c3, {0xc000012345, 0x8})\n\t/src/main.go:12 +0x1d\n" +
		"created by main.main in goroutine 1\n\t/src/main.go:20 +0x25\n"
	want := "goroutine 7 [running]:\nmain.notify(...)\n\t/src/main.go:12 +0x1d\n" +
		"created by main.main in goroutine 1\n\t/src/main.go:20 +0x25\n"
	if got := withoutArguments(in); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

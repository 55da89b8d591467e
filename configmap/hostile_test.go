package configmap

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/schema"
)

// secret stands for a value a malformed file holds; no part of it may
// reach an error.
const secret = "Yw3Tn6Bq"

// A file that does not parse gets an error naming the line and the flag
// (when there is one), never a scalar of the file: yaml's and JSON's own
// texts quote scalars, anchors and characters of the input.
func TestFileParseErrorsNameLineAndFlagNotValue(t *testing.T) {
	none := func(string) schema.Syntax { return schema.Text }
	for _, c := range []struct{ path, content, want string }{
		{"f.yaml", "rate: 1\ncreds: {password: !!int " + secret + "}\n", `line 2: flag "creds": a value tagged !!int`},
		{"f.yaml", "rate: 1\ncreds:\n  - {k: !!float " + secret + "}\n", `line 2: flag "creds": a value tagged !!float`},
		{"f.yaml", "msg: !!binary " + secret + "!\n", `line 1: flag "msg": a !!binary value that is not base64`},
		{"f.yaml", "cfg: {k: !!binary " + secret + "!}\n", `line 1: flag "cfg": a !!binary value that is not base64`},
		{"f.yaml", "rate: 1\nkey: *" + secret + "\n", "an alias refers to an anchor not defined before it"},
		{"f.yaml", "rate: 1\nkey: [" + secret + "\n", "did not find expected ',' or ']'"},
		{"f.yaml", "key: \"" + secret + "\\q\"\n", "parse YAML"},
		{"f.yaml", "cfg: {[" + secret + "]: 1}\n", `line 1: flag "cfg": a mapping key that is a list or a mapping`},
		{"f.json", "{\n\"rate\": 1,\n\"key\": " + secret + "}", `line 3: flag "key": not valid JSON`},
		{"f.json", "{\"key\": \"" + secret + "}", `line 1: flag "key": the document ends too early`},
		{"f.json", "{\"key\": 1} " + secret, "line 1: text after the top-level object"},
		{"f.json", secret, "line 1: not valid JSON"},
	} {
		values, err := parseFile(c.path, []byte(c.content), none)
		if err == nil {
			t.Errorf("%q parsed as %q", c.content, values)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.content, err, c.want)
		}
		if quotes(err.Error(), secret) {
			t.Errorf("%q: the error quotes the file: %v", c.content, err)
		}
	}
}

// quotes reports whether text holds s or a part of it of four characters
// or more.
func quotes(text, s string) bool {
	for n := 4; n <= len(s); n++ {
		for i := 0; i+n <= len(s); i++ {
			if strings.Contains(text, s[i:i+n]) {
				return true
			}
		}
	}
	return false
}

// The file source expands aliases itself (a list of aliases to one long
// scalar becomes a long list value), so a small document could become a
// huge value in every process watching it. Expansion is measured before
// anything is built and a document expanding beyond ten times its size (at
// least 64 KiB) is refused, with the line and flag, having allocated little.
func TestYAMLAliasExpansionIsBounded(t *testing.T) {
	long := strings.Repeat("x", 8<<10)
	aliases := strings.Repeat("*s, ", 4000) // 16 KB expanding to 32 MB
	laughs := "cfg:\n  l0: &l0 \"" + long[:100] + "\"\n"
	for i := 1; i <= 9; i++ { // 10^9 copies
		prev := fmt.Sprintf("*l%d", i-1)
		laughs += fmt.Sprintf("  l%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(prev+", ", 10), ", "))
	}
	syntaxes := map[string]schema.Syntax{"cfg": schema.JSON}
	syntax := func(name string) schema.Syntax { return syntaxes[name] }
	for _, c := range []struct{ name, content, want string }{
		{"aliases of a long scalar in a list", "s: &s " + long + "\nlist: [" + aliases + "]\n",
			`line 2: flag "list": aliases expand the document beyond`},
		{"aliases of a long scalar as values", func() string {
			var b strings.Builder
			b.WriteString("s: &s " + long + "\n")
			for i := range 200 {
				fmt.Fprintf(&b, "k%d: *s\n", i)
			}
			return b.String()
		}(), "aliases expand the document beyond"},
		{"nested aliases in a JSON value", laughs, `line 1: flag "cfg": aliases expand the document beyond`},
		{"an alias inside its own anchor", "a: 1\nb: &x [1, *x]\n", `line 2: flag "b": the alias on line 2 refers to a node that contains it`},
	} {
		t.Run(c.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			values, err := parseFile("f.yaml", []byte(c.content), syntax)
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %d values, %v; want an error containing %q", len(values), err, c.want)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
				t.Errorf("refusing a %d-byte document allocated %d MiB", len(c.content), alloc>>20)
			}
		})
	}
	// Aliases within the bound still work.
	values, err := parseFile("f.yaml", []byte("s: &s "+long[:1000]+"\nlist: [*s, *s, *s]\nt: *s\n"), syntax)
	if err != nil || values["t"] != long[:1000] || values["list"] != strings.Repeat(long[:1000]+",", 2)+long[:1000] {
		t.Errorf("modest aliases: %v", err)
	}
}

// A running file source given an alias bomb keeps its last good values, is
// DEGRADED with the reason, and applies the next good file.
func TestYAMLAliasBombKeepsLastGood(t *testing.T) {
	f := newFlags(t)
	o := fileTestOrigin(t)
	o.write(t, map[string]string{"greeting": "good"})
	w := start(t, o, f)
	renameSave(t, o.path, "s: &s "+strings.Repeat("x", 8<<10)+"\ngreeting: bomb\ntags: ["+strings.Repeat("*s, ", 4000)+"]\n")
	eventually(t, "DEGRADED over the bomb", func() bool {
		st := w.Status()
		return st.State == record.StateDegraded && strings.Contains(st.Err, "aliases expand the document")
	})
	if f.greeting.Get() != "good" || len(f.tags.Get()) != 1 {
		t.Fatalf("the bomb applied: greeting %q, %d tags", f.greeting.Get(), len(f.tags.Get()))
	}
	o.write(t, map[string]string{"greeting": "after"})
	eventually(t, "the next good file applied", func() bool { return f.greeting.Get() == "after" })
}

// A file or a directory above the size cap (1 MiB, the ConfigMap limit,
// unless WithMaxSize says otherwise) is not read: nothing of it applies,
// the error says why, and the last good values stay.
func TestSizeCap(t *testing.T) {
	big := func(size int) string { // a valid document of about size bytes
		var b strings.Builder
		b.WriteString("greeting: big\n")
		for i := 0; b.Len() < size; i++ {
			fmt.Fprintf(&b, "unknown_%07d: %s\n", i, strings.Repeat("v", 100))
		}
		return b.String()
	}
	t.Run("file", func(t *testing.T) {
		f := newFlags(t)
		path := filepath.Join(t.TempDir(), "flags.yaml")
		if err := os.WriteFile(path, []byte(big(DefaultMaxSize+1)), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := must(t)(NewFile(f.fs, path, WithLogger(testLogger(t)))).Initialize(t.Context())
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "more than 1048576 bytes") {
			t.Fatalf("Initialize over the cap: %v, want ErrTooLarge", err)
		}
		if f.greeting.Get() != "hello" {
			t.Fatalf("greeting = %q from a file over the cap", f.greeting.Get())
		}
		w := must(t)(NewFile(f.fs, path, WithLogger(testLogger(t)), WithMaxSize(2<<20), WithSourceName("bigger")))
		if _, err := w.Initialize(t.Context()); err != nil || f.greeting.Get() != "big" {
			t.Fatalf("WithMaxSize(2 MiB): %v, greeting %q", err, f.greeting.Get())
		}
	})
	t.Run("directory", func(t *testing.T) {
		f := newFlags(t)
		o := dirTestOrigin(t)
		o.write(t, map[string]string{"greeting": "good"})
		w := start(t, o, f)
		third := strings.Repeat("v", 400<<10)
		o.write(t, map[string]string{"greeting": "big", "a": third, "b": third, "c": third}) // 1.2 MiB together
		eventually(t, "DEGRADED over the cap", func() bool {
			st := w.Status()
			return st.State == record.StateDegraded && strings.Contains(st.Err, ErrTooLarge.Error())
		})
		if f.greeting.Get() != "good" {
			t.Fatalf("greeting = %q from a directory over the cap", f.greeting.Get())
		}
		_, err := must(t)(New(f.fs, o.path, WithMaxSize(2<<20), WithSourceName("bigger"))).Initialize(t.Context())
		if err != nil || f.greeting.Get() != "big" {
			t.Fatalf("WithMaxSize(2 MiB): %v, greeting %q", err, f.greeting.Get())
		}
	})
}

// A file naming 100,000 flags no flag set has (a ConfigMap for a newer
// binary, or a hostile one) is logged as one summarised line, not one line
// per name.
func TestUnknownNamesLoggedInOneLine(t *testing.T) {
	var doc bytes.Buffer
	for i := range 100_000 {
		fmt.Fprintf(&doc, "u%s: 1\n", strconv.FormatInt(int64(i), 36))
	}
	if doc.Len() > DefaultMaxSize {
		t.Fatalf("the document is %d bytes, above the cap", doc.Len())
	}
	path := filepath.Join(t.TempDir(), "flags.yaml")
	if err := os.WriteFile(path, doc.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	f := newFlags(t)
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	report, err := must(t)(NewFile(f.fs, path, WithLogger(logger))).Initialize(t.Context())
	if err != nil || report.Count(record.Unknown) != 100_000 {
		t.Fatalf("Initialize: %v, %d unknown", err, report.Count(record.Unknown))
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	var unknown []string
	for _, line := range lines {
		if strings.Contains(line, "no flag has these names") {
			unknown = append(unknown, line)
		}
	}
	if len(unknown) != 1 || !strings.Contains(unknown[0], "count=100000") || len(lines) > 10 {
		t.Fatalf("%d log lines, %d about unknown names, want one with count=100000:\n%.2000s", len(lines), len(unknown), logs.String())
	}
	if len(unknown[0]) > 1000 {
		t.Errorf("the summary line is %d bytes long", len(unknown[0]))
	}
}

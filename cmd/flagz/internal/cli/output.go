package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode"
	"unicode/utf8"
)

// Text output shows what etcd holds (values, key names, presence records,
// refusal reasons) to a person's terminal; anyone who can write a key can
// put terminal control sequences in it. So every text output goes through
// printf, errorf, warnf or a table, which show each string, error and
// Stringer argument as printable does; JSON output (printJSON) is exact.

// printable returns s as it may reach a terminal: characters that are not
// graphic are shown as Go escapes (\x1b, \r, \n, \t, \x7f, \u009b, \u202e,
// \u2028) and bytes that are not UTF-8 as \xff; the rest as it is. So no
// control character (C0, DEL, C1), bidi control or other invisible format
// character (Unicode Cf), line or paragraph separator reaches the terminal,
// and a value cannot start a line of its own.
func printable(s string) string {
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || !unicode.IsGraphic(r) {
			break
		}
		i += size
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unicode.IsGraphic(r):
			b.WriteString(s[i : i+size])
		default:
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		}
		i += size
	}
	return b.String()
}

// printableArgs returns args with every string, error and Stringer shown
// as printable (numbers and other values are printed by fmt as they are).
// A Stringer becomes a string: format it with %s or %v, not %d.
func printableArgs(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case string:
			out[i] = printable(v)
		case error:
			out[i] = printable(v.Error())
		case fmt.Stringer:
			out[i] = printable(v.String())
		default:
			out[i] = a
		}
	}
	return out
}

// linef writes one line to w: format (the command's own text) with its
// arguments shown printable.
func linef(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, format+"\n", printableArgs(args)...)
}

// printf writes a line of text output on stdout.
func (s *session) printf(format string, args ...any) { linef(s.stdout, format, args...) }

// errorf writes a line of text on stderr: a refusal, what was not done.
func (s *session) errorf(format string, args ...any) { linef(s.stderr, format, args...) }

// warnf writes a warning on stderr, whatever the output format.
func (s *session) warnf(format string, args ...any) { linef(s.stderr, "warning: "+format, args...) }

// table is text output in aligned columns.
type table struct{ tw *tabwriter.Writer }

// table starts a table on stdout with its header's cells.
func (s *session) table(header ...string) *table {
	t := &table{tw: tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)}
	fmt.Fprintln(t.tw, strings.Join(header, "\t"))
	return t
}

// row writes a row: format separates the cells with tabs, its arguments
// are shown printable (a tab of a value would start a cell).
func (t *table) row(format string, args ...any) { linef(t.tw, format, args...) }

// flush writes the table out.
func (t *table) flush() error { return t.tw.Flush() }

// clip shows s printable, shortened for a table (JSON output has it
// whole).
func clip(s string) string {
	out := printable(s)
	if runes := []rune(out); len(runes) > 40 {
		out = string(runes[:37]) + "..."
	}
	return out
}

package walkthrough

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// command is one line of a walkthrough: its words, as the shell would split
// them, and its comment.
type command struct {
	words   []string
	comment string
	text    string // the line as written
}

// parseLine splits a shell line into words: white space separates them,
// single quotes keep everything, double quotes keep everything but a
// backslash before " or \, and a # starting a word begins the comment.
// Anything a walkthrough should not need (pipes, redirections, $,
// backquotes, ;, &) is an error, so that a line the test cannot run as
// written fails the test instead of running differently.
func parseLine(line string) (command, error) {
	c := command{text: line}
	var word strings.Builder
	inWord := false
	flush := func() {
		if inWord {
			c.words = append(c.words, word.String())
			word.Reset()
			inWord = false
		}
	}
	for i := 0; i < len(line); i++ {
		ch := line[i]
		switch {
		case ch == ' ' || ch == '\t':
			flush()
		case ch == '#' && !inWord:
			c.comment = strings.TrimSpace(line[i+1:])
			return c, nil
		case ch == '\'':
			end := strings.IndexByte(line[i+1:], '\'')
			if end < 0 {
				return c, fmt.Errorf("unterminated ' in %q", line)
			}
			word.WriteString(line[i+1 : i+1+end])
			inWord = true
			i += end + 1
		case ch == '"':
			inWord = true
			for i++; ; i++ {
				if i >= len(line) {
					return c, fmt.Errorf(`unterminated " in %q`, line)
				}
				if line[i] == '\\' && i+1 < len(line) && (line[i+1] == '"' || line[i+1] == '\\') {
					i++
				} else if line[i] == '"' {
					break
				} else if line[i] == '$' || line[i] == '`' {
					return c, fmt.Errorf("%q: the walkthrough test does not expand %c", line, line[i])
				}
				word.WriteByte(line[i])
			}
		case strings.IndexByte("|;&$`()\\", ch) >= 0:
			return c, fmt.Errorf("%q: the walkthrough test runs no %q", line, ch)
		case (ch == '<' || ch == '>') && !placeholderAt(line, i):
			return c, fmt.Errorf("%q: the walkthrough test runs no redirection", line)
		case ch == '<':
			end := strings.IndexByte(line[i:], '>')
			word.WriteString(line[i : i+end+1])
			inWord = true
			i += end
		default:
			word.WriteByte(ch)
			inWord = true
		}
	}
	flush()
	return c, nil
}

// placeholderAt reports whether line holds a placeholder such as <etcd> at
// i: a word the reader replaces, which the test substitutes.
func placeholderAt(line string, i int) bool {
	if line[i] != '<' {
		return false
	}
	end := strings.IndexByte(line[i:], '>')
	if end < 2 {
		return false
	}
	for _, r := range line[i+1 : i+end] {
		if !(r >= 'a' && r <= 'z' || r == '-') {
			return false
		}
	}
	return true
}

func TestParseLine(t *testing.T) {
	for _, c := range []struct {
		line    string
		words   []string
		comment string
	}{
		{`flagz set greeting 'hello, world'   # checked`, []string{"flagz", "set", "greeting", "hello, world"}, "checked"},
		{`flagz set routes '{"routes":[]}'`, []string{"flagz", "set", "routes", `{"routes":[]}`}, ""},
		{`curl 'localhost:9090/debug/flagz?format=json'`, []string{"curl", "localhost:9090/debug/flagz?format=json"}, ""},
		{`export FLAGZ_ENDPOINTS=<etcd> FLAGZ_PREFIX=/flagz/demo`, []string{"export", "FLAGZ_ENDPOINTS=<etcd>", "FLAGZ_PREFIX=/flagz/demo"}, ""},
		{`go run . --etcd-endpoints=<etcd>  # a#b`, []string{"go", "run", ".", "--etcd-endpoints=<etcd>"}, "a#b"},
		{`echo "a \"b\" c"`, []string{"echo", `a "b" c`}, ""},
		{`go -C cmd/flagz install .   # into $(go env GOPATH)/bin`, []string{"go", "-C", "cmd/flagz", "install", "."}, "into $(go env GOPATH)/bin"},
	} {
		got, err := parseLine(c.line)
		if err != nil || !slices.Equal(got.words, c.words) || got.comment != c.comment {
			t.Errorf("parseLine(%q) = %q, %q, %v; want %q, %q", c.line, got.words, got.comment, err, c.words, c.comment)
		}
	}
	for _, line := range []string{`a | grep b`, `a > out`, `a; b`, `a && b`, `echo $HOME`, `echo "$HOME"`, `echo 'x`} {
		if got, err := parseLine(line); err == nil {
			t.Errorf("parseLine(%q) = %q, want an error", line, got.words)
		}
	}
}

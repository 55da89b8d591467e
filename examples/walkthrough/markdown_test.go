package walkthrough

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// walkthroughMarker, on the line before a shell block, makes it a
// walkthrough this package runs.
const walkthroughMarker = "<!-- walkthrough -->"

// illustrativePrefix starts the first line of a shell block that is not
// run: what it shows needs something the tests do not have (a cluster,
// credentials, a release).
const illustrativePrefix = "# illustrative"

// block is one fenced code block of a Markdown file.
type block struct {
	file        string   // path relative to the repository's root
	line        int      // line of the first line inside the fence
	lang        string   // the fence's info string: "sh", "go", …
	lines       []string // the lines inside the fence
	walkthrough bool     // the line before the fence is walkthroughMarker
}

func (b block) String() string { return fmt.Sprintf("%s:%d", b.file, b.line) }

// shell reports whether the block holds shell commands.
func (b block) shell() bool {
	switch b.lang {
	case "sh", "bash", "shell", "console":
		return true
	}
	return false
}

// docs returns the Markdown files whose shell blocks must run or say they
// are illustrative: README.md and docs/*.md, relative to root.
func docs(t *testing.T, root string) []string {
	t.Helper()
	files := []string{"README.md"}
	more, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range more {
		rel, err := filepath.Rel(root, f)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, filepath.ToSlash(rel))
	}
	return files
}

// blocks returns the fenced code blocks of the Markdown file root/file.
func blocks(t *testing.T, root, file string) []block {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, file))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	var out []block
	for i := 0; i < len(lines); i++ {
		fence, ok := strings.CutPrefix(lines[i], "```")
		if !ok {
			continue
		}
		b := block{file: file, line: i + 2, lang: strings.TrimSpace(fence)}
		b.walkthrough = i > 0 && strings.TrimSpace(lines[i-1]) == walkthroughMarker
		for i++; i < len(lines) && !strings.HasPrefix(lines[i], "```"); i++ {
			b.lines = append(b.lines, lines[i])
		}
		out = append(out, b)
	}
	return out
}

package walkthrough

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flagz-go/flagz/examples/internal/demotest"
)

// TestMain removes the executables the walkthroughs built once for every
// test of this binary.
func TestMain(m *testing.M) { demotest.Main(m) }

// repoRoot is the repository's root: this package is examples/walkthrough.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// TestShellBlocksRunOrSayIllustrative holds the docs to what issue 26 asks:
// every shell command shown is one a test runs, or is marked illustrative.
func TestShellBlocksRunOrSayIllustrative(t *testing.T) {
	root := repoRoot(t)
	walkthroughs := 0
	for _, file := range docs(t, root) {
		for _, b := range blocks(t, root, file) {
			if !b.shell() {
				continue
			}
			if b.walkthrough {
				walkthroughs++
				continue
			}
			if len(b.lines) == 0 || !strings.HasPrefix(b.lines[0], illustrativePrefix) {
				t.Errorf("%s: a shell block must be a walkthrough (%s on the line before it) or start with %q", b, walkthroughMarker, illustrativePrefix)
			}
		}
	}
	if walkthroughs == 0 {
		t.Error("no walkthrough found: the test would check nothing")
	}
}

// TestWalkthroughs runs every walkthrough of README.md and docs/*.md, each
// from a clean start: its demos, etcd and the README's program are started
// as its lines say and stopped (exit code 0) at its end.
func TestWalkthroughs(t *testing.T) {
	root := repoRoot(t)
	for _, file := range docs(t, root) {
		for _, b := range blocks(t, root, file) {
			if !b.shell() || !b.walkthrough {
				continue
			}
			t.Run(b.String(), func(t *testing.T) {
				s := newSession(t, root, b)
				for _, line := range b.lines {
					s.run(line)
				}
				s.end()
			})
		}
	}
}

// completeProgramHeading is the README section whose first Go block is the
// complete program a service author copies.
const completeProgramHeading = "## A complete service"

// completeProgram returns that block, as the README shows it.
func completeProgram(t *testing.T, root string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(data), "\n"+completeProgramHeading+"\n")
	if !ok {
		t.Fatalf("README.md has no %q section", completeProgramHeading)
	}
	_, code, ok := strings.Cut(section, "\n```go\n")
	if !ok {
		t.Fatalf("README.md's %q section has no Go block", completeProgramHeading)
	}
	code, _, ok = strings.Cut(code, "\n```\n")
	if !ok {
		t.Fatalf("README.md's complete program has no end")
	}
	return code + "\n"
}

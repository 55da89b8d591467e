package debug_test

import (
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/debug"
	"github.com/flagz-go/flagz/source"
)

// A source's problem shows in its row of the page, named, with since when
// and its error (escaped), and in JSON; it goes once what failed works
// again.
func TestPageShowsSourceProblems(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "no<b>dir")
	fs := newFlagSet(t)
	flagz.DynString(fs, "greeting", "hello", "")
	r, err := source.New(fs, &memOrigin{values: map[string]string{"greeting": "hi"}},
		source.Config{Name: "mem", SnapshotFile: filepath.Join(dir, "flags.snapshot"), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Initialize(t.Context()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(debug.NewHandler(fs, debug.WithLogger(slog.New(slog.DiscardHandler))))
	t.Cleanup(srv.Close)

	p, html := pageOf(t, srv.URL)
	s := sourceOf(t, p, "mem")
	if len(s.Problems) != 1 || s.Problems[0].Name != source.ProblemSnapshot || s.Problems[0].Since.IsZero() ||
		!strings.Contains(s.Problems[0].Err, "no such file or directory") {
		t.Fatalf("JSON problems %+v, want the snapshot file's", s.Problems)
	}
	mustContain(t, "the HTML page", html, `data-problem="snapshot"`, `<span class="badge b-bad">problem</span> <b class="mono">snapshot</b>`,
		"since ", "no&lt;b&gt;dir", "no such file or directory")
	if strings.Contains(html, "no<b>dir") {
		t.Error("the problem's error reaches the page unescaped")
	}

	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Initialize(t.Context()); err != nil { // reconciles, and writes the file
		t.Fatal(err)
	}
	p, html = pageOf(t, srv.URL)
	if s := sourceOf(t, p, "mem"); s.Problems != nil {
		t.Errorf("problems after a write succeeded: %+v", s.Problems)
	}
	if strings.Contains(html, "data-problem") {
		t.Error("the HTML page still shows a problem")
	}
}

package debug_test

import (
	"html"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/debug"
)

// The command-line flag set is named os.Args[0], a new temporary path on
// every `go run`: the page is titled with the program's name instead
// (flagz.Engine.Name).
func TestPageTitleOfCommandLineFlagSetIsProgramName(t *testing.T) {
	fs := pflag.NewFlagSet(os.Args[0], pflag.ContinueOnError)
	flagz.DynInt64(fs, "rate", 1, "requests per second")
	srv := httptest.NewServer(debug.NewHandler(fs))
	defer srv.Close()
	f := &fixture{srv: srv}

	program := filepath.Base(os.Args[0])
	if p := getPage(t, f, ""); p.FlagSet != program {
		t.Errorf("JSON flag_set = %q, want %q", p.FlagSet, program)
	}
	_, _, body := get(t, f.url(debug.Path))
	if want := "<title>flagz · " + html.EscapeString(program) + "</title>"; !strings.Contains(body, want) {
		t.Errorf("page has no %s:\n%s", want, body)
	}
	if strings.Contains(body, os.Args[0]) {
		t.Errorf("page shows the binary's path %s", os.Args[0])
	}
}
